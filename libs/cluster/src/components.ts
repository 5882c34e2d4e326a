/** The processes of a local cluster, as supervisor specs: infrastructure, control plane and workers. */
import { join } from "node:path";
import { apiTokenPath } from "./api-token.js";
import { SECRET_KEY_ROLES, secretKeyPath } from "./secret-key.js";
import { natsAuthConfPath, writeNatsServerConf } from "./nats-auth/store.js";
import type { ClusterTls } from "./tls.js";
import { CONTROL_PLANE_ROLES } from "@tug/contracts";
import type { RedisUser } from "@tug/state";
import type { ChildSpec } from "./supervisor.js";
import { hollowSpecs } from "./hollow.js";
import { runsHollow, workerProcesses } from "./hollow-size.js";
import { type HaAddresses, haSentinels } from "./ha/addresses.js";
import { inNetns } from "./hosts/placed.js";
import { haRedisEnv } from "./ha/settings.js";
import { type RedisCredentials, redisUserEnv } from "./redis-auth.js";
import type { ResolvedOptions } from "./options.js";

/** Control-plane roles, each run as `node services/<role>/dist/main.js` (defined in @tug/contracts). */
export { CONTROL_PLANE_ROLES };

/** Docker label carrying the cluster's key prefix on every container its workers create. */
export const CLUSTER_LABEL = "tug.cluster";

/** Stop tiers: workers first (they stop their replicas), then the control plane, then NATS and Redis. */
export const TIER = { worker: 0, controlPlane: 1, infra: 2 } as const;

/** Concrete ports and URLs chosen for one cluster. */
export interface ClusterAddresses {
  natsPort: number;
  redisPort: number;
  apiPort: number;
  dnsPort: number;
  natsUrl: string;
  redisUrl: string;
  /**
   * The infrastructure of an `--ha` cluster (then natsUrl lists every NATS server and redisUrl is the first primary).
   */
  ha?: HaAddresses;
}

/** A spec plus the health port its process serves /healthz on (undefined for nats and redis). */
export interface ComponentSpec extends ChildSpec {
  role: string;
  healthPort?: number;
  /** Address the health port listens on (default 127.0.0.1; a lab host's own address). */
  healthHost?: string;
}

/** Where a node of the hosts lab runs: its namespace and address, and the NATS URL it reaches the cluster by. */
export interface HostPlacement {
  node: string;
  namespace: string;
  address: string;
  natsUrl: string;
}

/** Paths of the entry files a cluster needs. */
export function entryFile(repoRoot: string, role: string): string {
  return join(repoRoot, "services", role, "dist", "main.js");
}

/**
 * `nats-server` with JetStream, its store under `<dataDir>/nats`, and the cluster's authorization config
 * (nats-auth/store.ts; reloaded on SIGHUP).
 */
export function natsSpec(o: ResolvedOptions, a: ClusterAddresses, tls?: ClusterTls): ComponentSpec {
  return {
    name: "nats",
    role: "nats",
    tier: TIER.infra,
    cmd: "nats-server",
    args: [
      "-c",
      tls ? writeNatsServerConf(o.dataDir, "nats", [], tls) : natsAuthConfPath(o.dataDir),
      "-a",
      "127.0.0.1",
      "-p",
      String(a.natsPort),
      "-js",
      "-sd",
      join(o.dataDir, "nats"),
    ],
  };
}

/** `redis-server` with AOF and fsync always, its files under `<dataDir>/redis`, its users from `creds`' ACL file. */
export function redisSpec(o: ResolvedOptions, a: ClusterAddresses, creds: RedisCredentials): ComponentSpec {
  return {
    name: "redis",
    role: "redis",
    tier: TIER.infra,
    cmd: "redis-server",
    args: [
      "--port",
      String(a.redisPort),
      "--bind",
      "127.0.0.1",
      "--dir",
      join(o.dataDir, "redis"),
      "--appendonly",
      "yes",
      "--appendfsync",
      "always",
      "--save",
      "",
      "--aclfile",
      creds.aclFile,
    ],
  };
}

/** Environment every Tugboat component gets (workers too: nothing about Redis). */
function commonEnv(
  o: ResolvedOptions,
  a: ClusterAddresses,
  instance: string,
  healthPort: number,
): Record<string, string> {
  return {
    ...o.env,
    TUG_NATS_URL: a.natsUrl,
    TUG_PREFIX: o.prefix,
    TUG_LOG_LEVEL: o.logLevel,
    TUG_INSTANCE: instance,
    TUG_HEALTH_PORT: String(healthPort),
  };
}

/** Where a control-plane process finds Redis and who it is there: its role's ACL user and password file. */
function redisEnv(a: ClusterAddresses, creds: RedisCredentials, role: RedisUser): Record<string, string> {
  return {
    TUG_REDIS_URL: a.redisUrl,
    ...(a.ha ? haRedisEnv(haSentinels(a.ha), a.ha.masterName, creds.sentinelAccessFile) : {}),
    ...redisUserEnv(creds, role),
  };
}

/**
 * Roles that stay in the root namespace when the control plane runs on lab hosts (`--ha --hosts`): the API and DNS
 * (registry) and the proxy's published ports are served on 127.0.0.1, as without a lab; like edge load balancers,
 * they reach NATS and Redis on the control-plane hosts over the lab's bridge.
 */
const EDGE_ROLES: ReadonlySet<string> = new Set(["registry", "proxy"]);

/** Control-plane host `i` (modulo their count) of an `--ha` cluster on a lab, or undefined on loopback. */
function controlPlaneHost(a: ClusterAddresses, i: number): { address: string; namespace: string } | undefined {
  const ns = a.ha?.namespaces;
  if (!a.ha || !ns?.length) return undefined;
  const j = i % ns.length;
  return { address: a.ha.hosts[j]!, namespace: ns[j]! };
}

/**
 * Every control-plane process: `replicasPerComponent` instances per role named `<role>-<k>`, each its role's Redis
 * user from `creds`; on a lab's control-plane hosts, instance k of the r-th role on host r + k - 1 (modulo 3), so
 * the instances of one role are on different hosts and every host runs some. Only the first registry binds the fixed
 * API and DNS ports; further registries get the spare ports from `sparePorts`. Registries bind `o.apiHost`, over
 * HTTPS with `apiTls`.
 */
export function controlPlaneSpecs(
  o: ResolvedOptions,
  a: ClusterAddresses,
  creds: RedisCredentials,
  healthPorts: number[],
  sparePorts: number[],
  apiTls?: ClusterTls,
): ComponentSpec[] {
  const specs: ComponentSpec[] = [];
  for (const [r, role] of CONTROL_PLANE_ROLES.entries()) {
    for (let k = 1; k <= o.replicasPerComponent; k++) {
      const name = `${role}-${k}`;
      const healthPort = take(healthPorts, "health");
      const host = EDGE_ROLES.has(role) ? undefined : controlPlaneHost(a, r + k - 1);
      const env = { ...commonEnv(o, a, name, healthPort), ...redisEnv(a, creds, role) };
      if (host) env.TUG_HEALTH_HOST = host.address;
      if (role === "registry") {
        env.TUG_API_PORT = String(k === 1 ? a.apiPort : take(sparePorts, "API"));
        env.TUG_DNS_PORT = String(k === 1 ? a.dnsPort : take(sparePorts, "DNS"));
        env.TUG_API_TOKEN_FILE = apiTokenPath(o.dataDir);
        env.TUG_API_HOST = o.apiHost;
        if (apiTls) Object.assign(env, { TUG_API_TLS_CERT: apiTls.certFile, TUG_API_TLS_KEY: apiTls.keyFile });
      }
      if (SECRET_KEY_ROLES.includes(role)) env.TUG_SECRET_KEY_FILE = secretKeyPath(o.dataDir);
      specs.push({
        name,
        role,
        tier: TIER.controlPlane,
        ...inNetns(host?.namespace, process.execPath, [entryFile(o.repoRoot, role)]),
        env,
        cwd: o.repoRoot,
        healthPort,
        healthHost: host?.address,
      });
    }
  }
  return specs;
}

/**
 * Worker i (1-based) runs node `node-<i>` with its own port range and data dir; it stops its replicas on exit. With
 * `hosts` (the lab), worker i runs node `host-<i>` inside its namespace (`ip netns exec`), advertises the host's
 * address, serves /healthz there and reaches NATS through the bridge.
 */
export function workerSpecs(
  o: ResolvedOptions,
  a: ClusterAddresses,
  healthPorts: number[],
  hosts: HostPlacement[] = [],
): ComponentSpec[] {
  if (runsHollow(o)) return hollowSpecs(o, a.natsUrl, healthPorts); // many fake nodes: a few hollow processes
  return Array.from({ length: o.nodes }, (_, j) => {
    const host = hosts[j];
    const node = host?.node ?? `node-${j + 1}`;
    const name = `worker-${node}`;
    const healthPort = take(healthPorts, "health");
    const env = {
      ...commonEnv(o, a, name, healthPort),
      TUG_NODE: node,
      TUG_DRIVER: o.driver,
      TUG_PORTS_FROM: String(o.portsFrom + j * 1000),
      TUG_DATA_DIR: nodeDataDir(o.dataDir, node),
      TUG_WORKDIR: o.workdir,
      TUG_WORKER_STOP_ON_EXIT: "1",
      // tells this cluster's containers apart from other clusters' with the same node names (tug chaos, cleanup)
      TUG_DOCKER_LABELS: [o.env.TUG_DOCKER_LABELS, `${CLUSTER_LABEL}=${o.prefix}`].filter(Boolean).join(","),
      ...(host ? { TUG_NODE_ADDRESS: host.address, TUG_HEALTH_HOST: host.address, TUG_NATS_URL: host.natsUrl } : {}),
    };
    return {
      name,
      role: "worker",
      tier: TIER.worker,
      ...inNetns(host?.namespace, process.execPath, [entryFile(o.repoRoot, "worker")]),
      env,
      cwd: o.repoRoot,
      healthPort,
      healthHost: host?.address,
    };
  });
}

/** A node's data directory (the worker keeps its state file `worker-<node>.json` there). */
export function nodeDataDir(dataDir: string, node: string): string {
  return join(dataDir, "nodes", node);
}

/** How many free ports the specs above consume: one health port each, two more per extra registry. */
export function portsNeeded(o: ResolvedOptions): { health: number; spare: number } {
  return {
    health: CONTROL_PLANE_ROLES.length * o.replicasPerComponent + workerProcesses(o),
    spare: 2 * (o.replicasPerComponent - 1),
  };
}

function take(ports: number[], what: string): number {
  const p = ports.shift();
  if (p === undefined) throw new Error(`internal: ran out of pre-allocated ${what} ports`);
  return p;
}
