/** Options of the local cluster: types, defaults and validation (strings, e.g. from a CLI, are converted). */
import { isIP } from "node:net";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_HOSTS_SUBNET } from "./hosts/subnet.js";
import { inRanges, workerPortRanges } from "./port-pick.js";
import { runsHollow } from "./hollow-size.js";

/** Replica drivers a local worker can use. */
export const DRIVERS = ["process", "fake", "docker"] as const;
export type Driver = (typeof DRIVERS)[number];

/** Options of startLocalCluster(); every field is optional. Ports given as 0 are picked free. */
export interface LocalClusterOptions {
  /** Number of workers (default 3). */
  nodes?: number | string;
  driver?: Driver | string;
  /**
   * Hosts lab (root only): N ≥ 2 nodes `host-1`…`host-N`, each worker and its replicas in its own network namespace
   * on a bridge (see hosts/lab.ts). 0 (default) = ordinary local nodes. Implies `nodes = hosts`.
   */
  hosts?: number | string;
  /** The lab's private /24 (default 10.231.0.0/24). */
  hostsSubnet?: string;
  /**
   * No single point of failure (see ha/specs.ts): 3 NATS servers in a cluster, Redis as a primary with 2 replicas
   * and 3 Sentinels, durable acks (WAIT), and 2 instances of every control-plane role unless told otherwise.
   */
  ha?: boolean;
  /** Data directory (default `./.tug`): nats/, redis/, logs/, nodes/node-<i>/. */
  dataDir?: string;
  /** Worker i (1-based) gets host ports from `portsFrom + (i-1)*1000` (default 20000). */
  portsFrom?: number | string;
  /** Instances of each control-plane role (default 1). */
  replicasPerComponent?: number | string;
  natsPort?: number | string;
  redisPort?: number | string;
  apiPort?: number | string;
  /**
   * The address the HTTP API binds (default 127.0.0.1). Any other address (one other machines reach, or 0.0.0.0)
   * turns on TLS with a certificate from the cluster's CA (tls.ts).
   */
  apiHost?: string;
  dnsPort?: number | string;
  /** Redis key prefix (default `tug`). */
  prefix?: string;
  /** Working directory of process-driver replicas (default the current directory). */
  workdir?: string;
  /** Where `services/<role>/dist/main.js` live (default: this repository). */
  repoRoot?: string;
  logLevel?: string;
  /** Worker heartbeat period → TUG_HEARTBEAT_MS. */
  heartbeatMs?: number;
  /** Node NotReady grace → TUG_NODE_GRACE_MS. */
  nodeGraceMs?: number;
  /** Node lost grace → TUG_LOST_GRACE_MS. */
  lostGraceMs?: number;
  /** The docker driver's container network, `bridge` or `host` → TUG_DOCKER_NETWORK (docs/security.md). */
  dockerNetwork?: string;
  /** Extra environment for every component (control plane and workers). */
  env?: Record<string, string>;
  /** Receives every output line of every component. */
  onLine?: (component: string, line: string) => void;
  /** Start-up progress: each time another awaited component listens, and `ready` once the cluster is up. */
  onStartup?: (p: StartupProgress) => void;
  /** Wait until every component's health port listens before resolving (default true). */
  waitReady?: boolean;
  /** How long to wait for nats, redis and the health ports (default 30 s). */
  readyTimeoutMs?: number;
  /** SIGTERM → SIGKILL timeout on stop (default 10 s). */
  stopTimeoutMs?: number;
}

/** How far start-up has got: the stage and how many of the processes it waits for listen so far. */
export interface StartupProgress {
  /** `infrastructure` (NATS, Redis), `components` (control plane and workers), then `ready`. */
  stage: "infrastructure" | "components" | "ready";
  listening: number;
  total: number;
}

/** Options after validation and defaults. */
export interface ResolvedOptions {
  nodes: number;
  /** 0 = no hosts lab. */
  hosts: number;
  hostsSubnet: string;
  ha: boolean;
  driver: Driver;
  dataDir: string;
  portsFrom: number;
  replicasPerComponent: number;
  natsPort: number;
  redisPort: number;
  apiPort: number;
  apiHost: string;
  dnsPort: number;
  prefix: string;
  workdir: string;
  repoRoot: string;
  logLevel: string;
  env: Record<string, string>;
  onLine?: (component: string, line: string) => void;
  onStartup?: (p: StartupProgress) => void;
  waitReady: boolean;
  readyTimeoutMs: number;
  stopTimeoutMs: number;
}

/** The docker driver's container networks a worker accepts (its TUG_DOCKER_NETWORK). */
export const DOCKER_NETWORKS = ["bridge", "host"];

/** Bad option value (the CLI maps this to exit code 2). */
export class OptionError extends Error {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`--${kebab(option)}: ${message}`);
    this.name = "OptionError";
  }
}

/** The repository root, from this file's place (libs/cluster/{src,dist}/options.*). */
export function defaultRepoRoot(): string {
  return resolve(fileURLToPath(new URL(".", import.meta.url)), "../../..");
}

const LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"];
const PREFIX = /^[A-Za-z0-9_-]{1,64}$/;

/** Validates and fills in defaults. Throws OptionError naming the bad option. */
export function resolveOptions(o: LocalClusterOptions = {}): ResolvedOptions {
  const driver = o.driver ?? "process";
  if (!(DRIVERS as readonly string[]).includes(driver))
    throw new OptionError("driver", `must be one of ${DRIVERS.join(", ")}, got ${JSON.stringify(driver)}`);
  const prefix = o.prefix ?? "tug";
  if (!PREFIX.test(prefix)) throw new OptionError("prefix", `must match ${PREFIX}, got ${JSON.stringify(prefix)}`);
  const logLevel = o.logLevel ?? "info";
  if (!LEVELS.includes(logLevel)) throw new OptionError("logLevel", `must be one of ${LEVELS.join(", ")}`);
  const hosts = int("hosts", o.hosts, 0, 0, 200);
  if (hosts === 1) throw new OptionError("hosts", "a lab needs at least 2 hosts");
  if (hosts > 0 && !["process", "fake"].includes(driver))
    throw new OptionError(
      "driver",
      `--hosts runs replicas inside the hosts' namespaces: use the process (or fake) driver, not ${driver}`,
    );
  const ha = o.ha ?? false;
  const nodes = hosts > 0 ? hosts : int("nodes", o.nodes, 3, 0, 100_000);
  if (hosts > 0 && o.nodes !== undefined && o.nodes !== "" && Number(o.nodes) !== hosts)
    throw new OptionError("nodes", `--hosts ${hosts} runs one node per host; leave --nodes out`);
  const portsFrom = int("portsFrom", o.portsFrom, 20_000, 1024, 65_535);
  if (portsFrom + nodes * 1000 - 1 > 65_535 && nodes > 0 && !runsHollow({ driver, nodes, hosts }))
    throw new OptionError("portsFrom", `${portsFrom} + ${nodes}×1000 host ports go past 65535`);
  const env = { ...(o.env ?? {}) };
  if (o.heartbeatMs !== undefined) env.TUG_HEARTBEAT_MS = String(int("heartbeatMs", o.heartbeatMs, 0, 1, 3_600_000));
  if (o.nodeGraceMs !== undefined) env.TUG_NODE_GRACE_MS = String(int("nodeGraceMs", o.nodeGraceMs, 0, 1, 3_600_000));
  if (o.lostGraceMs !== undefined) env.TUG_LOST_GRACE_MS = String(int("lostGraceMs", o.lostGraceMs, 0, 1, 3_600_000));
  if (o.dockerNetwork !== undefined) {
    if (!DOCKER_NETWORKS.includes(o.dockerNetwork))
      throw new OptionError("dockerNetwork", `must be bridge or host, got ${JSON.stringify(o.dockerNetwork)}`);
    if (driver !== "docker") throw new OptionError("dockerNetwork", `applies to the docker driver, not ${driver}`);
    env.TUG_DOCKER_NETWORK = o.dockerNetwork;
  }
  for (const [k, v] of Object.entries(env))
    if (typeof v !== "string") throw new OptionError("env", `${k} must be a string`);
  const resolved: ResolvedOptions = {
    nodes,
    hosts,
    ha,
    driver: driver as Driver,
    portsFrom,
    prefix,
    logLevel,
    env,
    hostsSubnet: o.hostsSubnet ?? DEFAULT_HOSTS_SUBNET,
    dataDir: resolve(nonEmpty("dataDir", o.dataDir, ".tug")),
    replicasPerComponent: int("replicasPerComponent", o.replicasPerComponent, ha ? 2 : 1, 1, 16),
    natsPort: int("natsPort", o.natsPort, 4222, 0, 65_535),
    redisPort: int("redisPort", o.redisPort, 6379, 0, 65_535),
    apiPort: int("apiPort", o.apiPort, 7070, 0, 65_535),
    apiHost: ipAddress("apiHost", o.apiHost, "127.0.0.1"),
    dnsPort: int("dnsPort", o.dnsPort, 5353, 0, 65_535),
    workdir: resolve(nonEmpty("workdir", o.workdir, process.cwd())),
    repoRoot: resolve(nonEmpty("repoRoot", o.repoRoot, defaultRepoRoot())),
    onLine: o.onLine,
    onStartup: o.onStartup,
    waitReady: o.waitReady ?? true,
    readyTimeoutMs: int("readyTimeoutMs", o.readyTimeoutMs, 30_000, 1, 3_600_000),
    stopTimeoutMs: int("stopTimeoutMs", o.stopTimeoutMs, 10_000, 1, 3_600_000),
  };
  refusePortsInReplicaRanges(resolved);
  return resolved;
}

/** A fixed NATS/Redis/API/DNS port inside a worker's replica port range would be taken from its replicas. */
function refusePortsInReplicaRanges(o: ResolvedOptions): void {
  const ranges = workerPortRanges(o.portsFrom, o.nodes);
  for (const key of ["natsPort", "redisPort", "apiPort", "dnsPort"] as const) {
    const p = o[key];
    if (p === 0 || !inRanges(p, ranges)) continue;
    const last = o.portsFrom + o.nodes * 1000 - 1;
    throw new OptionError(key, `${p} is inside the workers' replica ports ${o.portsFrom}-${last}; pick another (or 0)`);
  }
}

function int(name: string, v: number | string | undefined, fallback: number, min: number, max: number): number {
  if (v === undefined || v === "") return fallback;
  const n = typeof v === "number" ? v : /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n)) throw new OptionError(name, `must be an integer, got ${JSON.stringify(v)}`);
  if (n < min || n > max) throw new OptionError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function ipAddress(name: string, v: string | undefined, fallback: string): string {
  if (v === undefined || v === "") return fallback;
  if (typeof v !== "string" || isIP(v) === 0)
    throw new OptionError(name, `must be an IP address, got ${JSON.stringify(v)}`);
  return v;
}

function nonEmpty(name: string, v: string | undefined, fallback: string): string {
  if (v === undefined) return fallback;
  if (typeof v !== "string" || v.trim() === "") throw new OptionError(name, "must be a non-empty path");
  return v;
}

function kebab(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
