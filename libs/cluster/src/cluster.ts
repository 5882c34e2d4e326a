/**
 * The local all-in-one cluster (`tug up`, system tests): nats-server and redis-server, every control-plane
 * process and N workers, all supervised child processes of this one.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import {
  type ClusterAddresses,
  type ComponentSpec,
  CONTROL_PLANE_ROLES,
  controlPlaneSpecs,
  entryFile,
  natsSpec,
  nodeDataDir,
  portsNeeded,
  redisSpec,
  workerSpecs,
} from "./components.js";
import { type LocalClusterOptions, type ResolvedOptions, resolveOptions } from "./options.js";
import { freePortsOutside, workerPortRanges } from "./port-pick.js";
import { isListening, waitForPort } from "./ports.js";
import { type ClusterFile, removeClusterFile, writeClusterFile } from "./cluster-file.js";
import { clearHolds, heldUntil } from "./holds.js";
import { writeApiToken } from "./api-token.js";
import { ensureSecretKey } from "./secret-key.js";
import { natsCredsPath, prepareNatsAuth } from "./nats-auth/store.js";
import { CLI_IDENTITY, clusterIdentities, identityOf } from "./nats-auth/identities.js";
import type { NatsIdentity } from "./nats-auth/permissions.js";
import { readSentinelAccess, type RedisCredentials, writeRedisCredentials } from "./redis-auth.js";
import { startHostsLab } from "./hosts/setup.js";
import { type Lab, labAddresses, type LabHost } from "./hosts/lab.js";
import { ensureClusterTls } from "./tls.js";
import { isLoopbackHost } from "@tug/runtime";
import { isIP } from "node:net";
import { networkInterfaces } from "node:os";
import { findStrayReplicas, reapStrays } from "./strays.js";
import { Supervisor } from "./supervisor.js";
import {
  HA_EXTRA_PORTS,
  HA_SIZE,
  type HaAddresses,
  haAddresses,
  haNatsUrl,
  haSentinels,
  placeHa,
  redisNameOfPort,
} from "./ha/addresses.js";
import { haInfraSpecs, haPorts, waitReplicated } from "./ha/infra.js";
import { sentinelPrimary, type RedisConnection } from "@tug/state";
import { haRedisEnv } from "./ha/settings.js";

/** One supervised process of the cluster. */
export interface ComponentInfo {
  name: string;
  role: string;
  /** Current PID (undefined while it waits to be restarted). */
  pid: number | undefined;
  /** Port of its /healthz and /metrics (undefined for nats and redis). */
  healthPort: number | undefined;
  running: boolean;
  restarts: number;
}

/** A running local cluster. */
export interface LocalCluster {
  natsUrl: string;
  redisUrl: string;
  /** `http://127.0.0.1:<port>`, or `https://<api host>:<port>` when the API binds another address. */
  apiUrl: string;
  /** The CA certificate (PEM) the API's HTTPS certificate is verified with (also `<dataDir>/tls/ca.pem`). */
  apiCa?: string;
  natsPort: number;
  redisPort: number;
  apiPort: number;
  dnsPort: number;
  /** The bearer token API writes need (also in `<dataDir>/api-token`, mode 0600). */
  apiToken: string;
  /** The users' NATS credentials file (`<dataDir>/nats-auth/cli.creds`, mode 0600): intake requests, reads. */
  natsCreds: string;
  /** The credentials file of another identity of this cluster (e.g. `node-1`, `registry-1`, `harness`). */
  natsCredsOf(user: string): string;
  prefix: string;
  dataDir: string;
  /** Replica driver of the workers. */
  driver: string;
  /** Node ids, `node-1` … `node-N` (`host-1` … `host-N` in a hosts lab). */
  nodes: string[];
  /** The hosts lab (namespaces, addresses, bridge), when started with `hosts`. */
  lab?: Lab;
  /**
   * How a client reaches Redis (with `ha`: through the Sentinels, with durable acks), as the `admin` user (tools,
   * chaos, tests; the password is also in `<dataDir>/redis-auth/admin.pass`).
   */
  redis: RedisConnection;
  /** The servers of an `ha` cluster (nats-1…3, redis-1…3, sentinel-1…3). */
  ha?: HaAddresses;
  /**
   * The component name of the current Redis primary (`redis`, or with `ha` what the Sentinels say; undefined if none).
   */
  redisPrimary(): Promise<string | undefined>;
  /** Current state of every component (fresh on each read). */
  readonly components: ComponentInfo[];
  /** Data directory of one node (`<dataDir>/nodes/<node>`). */
  nodeDir(node: string): string;
  /** Signals a component by name (e.g. `controller-1`, `worker-node-2`, `nats`); SIGKILL → it is restarted. */
  kill(name: string, signal?: NodeJS.Signals): boolean;
  /** Gracefully restarts a component now. */
  restart(name: string): Promise<ComponentInfo>;
  /**
   * Stops everything (workers, control plane, then nats and redis), then any replica process a worker left behind;
   * nothing is left running. Idempotent.
   */
  stop(): Promise<void>;
}

/** Options of startLocalCluster beyond `tug up`'s. */
export interface ClusterExtras {
  /** NATS identities to make besides the cluster's own (the system-test harness's `harness`). */
  natsIdentities?: NatsIdentity[];
}

/** Starts a local cluster; on any startup failure everything already started is stopped before rethrowing. */
export async function startLocalCluster(opts: LocalClusterOptions & ClusterExtras = {}): Promise<LocalCluster> {
  const o = resolveOptions(opts);
  assertBuilt(o);
  let a = await addresses(o);
  for (const d of ["nats", "redis", "logs", "nodes"]) mkdirSync(join(o.dataDir, d), { recursive: true });
  // with --ha the servers and most components run on 3 control-plane hosts of the lab, reached by their addresses;
  // otherwise the hosts reach NATS on loopback through a relay on the bridge
  const labExtras = a.ha ? { controlPlane: HA_SIZE } : { relayNatsPort: a.natsPort };
  const hosts =
    o.hosts > 0
      ? await startHostsLab(o.dataDir, o.hosts, o.hostsSubnet, labExtras, (l) => o.onLine?.("hosts", l))
      : undefined;
  if (a.ha && hosts?.lab.controlPlane) a = onControlPlaneHosts(a, a.ha, hosts.lab.controlPlane);
  const placements = hosts?.lab.hosts.map((h) => ({ ...h, natsUrl: hosts.natsUrl ?? a.natsUrl })) ?? [];
  // NATS reachable beyond loopback (the lab's bridge or control-plane hosts): TLS for every client and route; the
  // API bound to an address other machines reach: HTTPS. One certificate from the cluster's CA names them all.
  const apiTlsOn = !isLoopbackHost(o.apiHost);
  const sans = [...(hosts ? labAddresses(hosts.lab) : []), ...(apiTlsOn ? apiAddresses(o.apiHost) : [])];
  const noLab = async () => undefined;
  const tls = sans.length ? await orUndo(() => ensureClusterTls(o.dataDir, sans), hosts?.stop ?? noLab) : undefined;
  const [natsTls, apiTls] = [hosts ? tls : undefined, apiTlsOn ? tls : undefined];
  const nodes = hosts ? hosts.lab.hosts.map((h) => h.node) : Array.from({ length: o.nodes }, (_, i) => `node-${i + 1}`);
  for (const n of nodes) mkdirSync(nodeDataDir(o.dataDir, n), { recursive: true });

  clearHolds(o.dataDir);
  const apiToken = writeApiToken(o.dataDir);
  ensureSecretKey(o.dataDir);
  prepareNatsAuth(o.dataDir, [...clusterIdentities(o, nodes), ...(opts.natsIdentities ?? [])], natsTls?.ca);
  const creds = writeRedisCredentials(o.dataDir, o.prefix);
  const nodeOf = new Map<string, string>();
  const record = () =>
    writeClusterFile(
      o.dataDir,
      clusterFile(
        o,
        a,
        nodes,
        hosts?.lab,
        sup.list().map((c) => ({ name: c.name, role: c.role, pid: c.pid ?? null, node: nodeOf.get(c.name) })),
      ),
    );
  const sup = new Supervisor({
    logDir: join(o.dataDir, "logs"),
    onLine: o.onLine ? (n, l) => o.onLine!(n, l) : undefined,
    stopTimeoutMs: o.stopTimeoutMs,
    holdUntil: (name) => heldUntil(o.dataDir, name),
    onEvent: (e) => {
      if (e.type !== "restart-scheduled") record();
    },
  });
  const healthPorts = new Map<string, number | undefined>();
  const run = (s: ComponentSpec) => {
    healthPorts.set(s.name, s.healthPort);
    if (s.env?.TUG_NODE) nodeOf.set(s.name, s.env.TUG_NODE);
    // markers that let `tug chaos` check a PID from cluster.json really is this cluster's component
    const user = identityOf(s);
    const natsEnv: Record<string, string> = user ? { TUG_NATS_CREDS: natsCredsPath(o.dataDir, user) } : {};
    sup.spawn({ ...s, env: { ...s.env, ...natsEnv, TUG_COMPONENT: s.name, TUG_CLUSTER_DIR: o.dataDir } });
  };
  try {
    const infra = a.ha
      ? haInfraSpecs(o.dataDir, a.ha, creds, (n, l) => o.onLine?.(n, l), natsTls)
      : [natsSpec(o, a, natsTls), redisSpec(o, a, creds)];
    for (const s of infra) run(s);
    await waitAll(
      a.ha
        ? haPorts(a.ha)
        : [
            ["nats", a.natsPort],
            ["redis", a.redisPort],
          ],
      o.readyTimeoutMs,
      o.dataDir,
      (listening, total) => o.onStartup?.({ stage: "infrastructure", listening, total }),
    );
    if (a.ha) await waitReplicated(a.ha, o.readyTimeoutMs, creds.auth("admin"), creds.sentinelAccess);
    const need = portsNeeded(o);
    const avoid = ranges(o);
    const [health, spare] = [await freePortsOutside(need.health, avoid), await freePortsOutside(need.spare, avoid)];
    const specs = [...controlPlaneSpecs(o, a, creds, health, spare, apiTls), ...workerSpecs(o, a, health, placements)];
    for (const s of specs) run(s);
    if (o.waitReady)
      await waitAll(
        specs.map((s) => [s.name, s.healthPort!, s.healthHost] as Target),
        o.readyTimeoutMs,
        o.dataDir,
        (listening, total) => o.onStartup?.({ stage: "components", listening, total }),
      );
    o.onStartup?.({ stage: "ready", listening: specs.length, total: specs.length });
  } catch (err) {
    await sup.stop();
    removeClusterFile(o.dataDir);
    await hosts?.stop();
    throw err;
  }

  const info = (name: string): ComponentInfo => ({ ...sup.get(name), healthPort: healthPorts.get(name) });
  let stopped: Promise<void> | undefined;
  return {
    ...a,
    apiUrl: apiUrlOf(o, a.apiPort),
    ...(apiTls ? { apiCa: apiTls.ca } : {}),
    apiToken,
    natsCreds: natsCredsPath(o.dataDir, CLI_IDENTITY),
    natsCredsOf: (user) => natsCredsPath(o.dataDir, user),
    prefix: o.prefix,
    dataDir: o.dataDir,
    driver: o.driver,
    nodes,
    lab: hosts?.lab,
    redis: redisConnection(a, creds),
    redisPrimary: async () => {
      if (!a.ha) return "redis";
      const p = await sentinelPrimary(haSentinels(a.ha), a.ha.masterName, 1_000, readSentinelAccess(o.dataDir));
      return p && redisNameOfPort(a.ha, p.port);
    },
    get components() {
      return sup.list().map((c) => info(c.name));
    },
    nodeDir: (node) => nodeDataDir(o.dataDir, node),
    kill: (name, signal = "SIGKILL") => sup.kill(name, signal),
    restart: async (name) => {
      await sup.restart(name);
      return info(name);
    },
    stop: () =>
      (stopped ??= (async () => {
        await sup.stop();
        removeClusterFile(o.dataDir);
        clearHolds(o.dataDir);
        const strays = findStrayReplicas(new Map(nodes.map((n) => [n, nodeDataDir(o.dataDir, n)])));
        for (const s of strays)
          o.onLine?.("cluster", `stopping replica ${s.replica} (pid ${s.pid}) that node ${s.node} left running`);
        await reapStrays(strays);
        for (const l of (await hosts?.stop()) ?? []) o.onLine?.("hosts", l);
      })()),
  };
}

/** The cluster file's content for the current components. */
function clusterFile(
  o: ResolvedOptions,
  a: ClusterAddresses,
  nodes: string[],
  lab: Lab | undefined,
  components: ClusterFile["components"],
): ClusterFile {
  return {
    ...(lab ? { lab } : {}),
    ...(a.ha ? { ha: a.ha } : {}),
    version: 1,
    pid: process.pid,
    prefix: o.prefix,
    driver: o.driver,
    dataDir: o.dataDir,
    natsUrl: a.natsUrl,
    redisUrl: a.redisUrl,
    apiUrl: apiUrlOf(o, a.apiPort),
    nodes,
    components,
    updatedAt: Date.now(),
  };
}

/** Fails early, with the fix, when a service has not been built. */
function assertBuilt(o: ResolvedOptions): void {
  const roles = [...CONTROL_PLANE_ROLES, ...(o.nodes > 0 ? ["worker"] : [])];
  const missing = roles.map((r) => entryFile(o.repoRoot, r)).filter((f) => !existsSync(f));
  if (missing.length)
    throw new Error(`missing service builds (run \`npx tsc --build\` in ${o.repoRoot}): ${missing.join(", ")}`);
}

/** Where clients reach the API: https when it binds beyond loopback (a wildcard address is reached on 127.0.0.1). */
function apiUrlOf(o: ResolvedOptions, port: number): string {
  const wildcard = o.apiHost === "0.0.0.0" || o.apiHost === "::";
  const host = wildcard ? "127.0.0.1" : isIP(o.apiHost) === 6 ? `[${o.apiHost}]` : o.apiHost;
  return `${isLoopbackHost(o.apiHost) ? "http" : "https"}://${host}:${port}`;
}

/** The addresses an API bound to `host` answers on: the host itself, or every interface's for a wildcard. */
function apiAddresses(host: string): string[] {
  if (host !== "0.0.0.0" && host !== "::") return [host];
  return Object.values(networkInterfaces()).flatMap((l) => (l ?? []).map((i) => i.address.replace(/%.*$/, "")));
}

/** `make()`, or when it throws, `undo()` first (e.g. remove the lab just built) and rethrow. */
async function orUndo<T>(make: () => T, undo: () => Promise<unknown>): Promise<T> {
  try {
    return make();
  } catch (err) {
    await undo();
    throw err;
  }
}

/** The workers' replica port ranges: no port the cluster picks for itself may fall in one. */
function ranges(o: ResolvedOptions) {
  return workerPortRanges(o.portsFrom, o.nodes);
}

/** Picks free ports for the ones given as 0 and refuses fixed ports that something already listens on. */
async function addresses(o: ResolvedOptions): Promise<ClusterAddresses> {
  const fixed = { natsPort: o.natsPort, redisPort: o.redisPort, apiPort: o.apiPort, dnsPort: o.dnsPort };
  const zero = Object.entries(fixed)
    .filter(([, p]) => p === 0)
    .map(([k]) => k);
  const picked = await freePortsOutside(zero.length, ranges(o));
  const ports = { ...fixed, ...Object.fromEntries(zero.map((k, i) => [k, picked[i]!])) } as typeof fixed;
  for (const [k, p] of Object.entries(ports)) {
    if (!zero.includes(k) && (await isListening(p))) {
      throw new Error(
        `port ${p} (${k}) on 127.0.0.1 is already in use — ` +
          `is another cluster running? Pick another port or pass 0 for a free one`,
      );
    }
  }
  const redisUrl = `redis://127.0.0.1:${ports.redisPort}`;
  if (!o.ha) return { ...ports, natsUrl: `nats://127.0.0.1:${ports.natsPort}`, redisUrl };
  const ha = haAddresses(
    ports.natsPort,
    ports.redisPort,
    await freePortsOutside(HA_EXTRA_PORTS, [
      ...ranges(o),
      ...Object.values(ports).map((p): [number, number] => [p, p]),
    ]),
  );
  return { ...ports, natsUrl: haNatsUrl(ha), redisUrl, ha };
}

/** `a` with its `--ha` servers moved onto the lab's control-plane hosts (server i on host i). */
function onControlPlaneHosts(a: ClusterAddresses, ha: HaAddresses, cp: LabHost[]): ClusterAddresses {
  const placed = placeHa(ha, cp);
  return { ...a, ha: placed, natsUrl: haNatsUrl(placed), redisUrl: `redis://${placed.hosts[0]}:${a.redisPort}` };
}

/**
 * The Redis connection of a client of this cluster, as its `admin` user (the components get theirs, each as its
 * role's user, through their environment).
 */
function redisConnection(a: ClusterAddresses, creds: RedisCredentials): RedisConnection {
  const auth = { ...creds.auth("admin"), passwordFile: creds.passwordFile("admin") }; // followed through a rotation
  if (!a.ha) return { url: a.redisUrl, ...auth };
  const env = haRedisEnv(haSentinels(a.ha), a.ha.masterName);
  return {
    ...auth,
    url: a.redisUrl,
    sentinels: env.TUG_REDIS_SENTINELS,
    sentinelPassword: creds.sentinelAccess,
    sentinelPasswordFile: creds.sentinelAccessFile,
    masterName: a.ha.masterName,
    waitReplicas: Number(env.TUG_REDIS_WAIT_REPLICAS),
    waitTimeoutMs: Number(env.TUG_REDIS_WAIT_TIMEOUT_MS),
  };
}

/** A component to wait for: name, port, and the address it listens on (default 127.0.0.1). */
type Target = [string, number, string?];

async function waitAll(
  targets: Target[],
  timeoutMs: number,
  dataDir: string,
  onListening?: (listening: number, total: number) => void,
): Promise<void> {
  let listening = 0;
  onListening?.(0, targets.length);
  const results = await Promise.allSettled(
    targets.map(([, port, host]) =>
      waitForPort(port, timeoutMs, host).then(() => onListening?.(++listening, targets.length)),
    ),
  );
  const late = targets
    .filter((_, i) => results[i]!.status === "rejected")
    .map(([name, port, host]) => `${name} (${host ?? ""}:${port})`);
  if (late.length)
    throw new Error(`not listening after ${timeoutMs} ms: ${late.join(", ")}; see ${join(dataDir, "logs")}/<name>.log`);
}
