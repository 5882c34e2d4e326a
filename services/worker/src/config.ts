/** The worker's typed settings. main.ts reads the environment and passes it to `workerConfig`. */
import { cpus, totalmem } from "node:os";
import { DOCKER_NETWORKS, type DockerNetwork } from "@tug/drivers";
import { intEnv, type ServiceConfig } from "@tug/service";

/** Drivers the worker can run. */
export const DRIVER_NAMES = ["docker", "process", "fake"] as const;
export type DriverName = (typeof DRIVER_NAMES)[number];

/** Everything the worker needs to know about its node and its timing. */
export interface WorkerConfig {
  /** Node id (a subject token). */
  node: string;
  /** Unique per worker start (heartbeats carry it; a change means the worker restarted). */
  instance: string;
  /** Address endpoints advertise. */
  address: string;
  capacity: { cpuMillis: number; memoryBytes: number };
  labels: Record<string, string>;
  driver: DriverName;
  /** First host port of this worker's range (1000 ports). */
  portsFrom: number;
  dataDir: string;
  /** cwd of process-driver replicas. */
  workdir: string;
  /** Docker Engine socket (docker driver). */
  dockerSocket: string;
  /** Extra labels on every container the docker driver creates (`TUG_DOCKER_LABELS=k=v,...`, e.g. a test run id). */
  dockerLabels: Record<string, string>;
  /** The containers' network, `bridge` (default) or `host` (`TUG_DOCKER_NETWORK`; docker driver). */
  dockerNetwork: DockerNetwork;
  /** Containers created and started at once (`TUG_DOCKER_START_CONCURRENCY`, default 4; docker driver). */
  dockerStartConcurrency: number;
  heartbeatMs: number;
  syncMs: number;
  orphanGraceMs: number;
  /**
   * Wait after an assignment turns `stop` before SIGTERM, so balancers stop sending to it first (TUG_DRAIN_DELAY_MS).
   */
  drainDelayMs: number;
  /** Stop every replica when the worker stops (otherwise they keep running for the next worker to adopt). */
  stopOnExit: boolean;
  /** Status snapshot period (changes are published sooner). */
  statusMs: number;
  /**
   * Longest time between two full status reports; the periodic ones in between say only `unchanged` (ms). At most
   * `statusMs` (the default for workers): every report is full. Hollow nodes default to 60 s.
   */
  statusFullMs: number;
  metricsMs: number;
}

const NODE = /^[A-Za-z0-9_-]{1,128}$/;

/** Parses `k=v,k2=v2`; throws on a malformed pair. */
export function parseLabels(s: string | undefined, variable = "TUG_NODE_LABELS"): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (s ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = pair.indexOf("=");
    const k = pair.slice(0, eq).trim();
    const v = pair.slice(eq + 1).trim();
    if (eq <= 0 || k.length > 63 || v.length > 63)
      throw new Error(`${variable}: expected k=v (each ≤ 63 characters), got ${JSON.stringify(pair)}`);
    out[k] = v;
  }
  return out;
}

/** Builds the worker config from the common service config and the environment; throws naming a bad variable. */
export function workerConfig(base: Pick<ServiceConfig, "instance">, env: NodeJS.ProcessEnv, cwd: string): WorkerConfig {
  const node = env.TUG_NODE ?? "";
  if (!NODE.test(node))
    throw new Error(`TUG_NODE must be set to a node id ([A-Za-z0-9_-], ≤ 128), got ${JSON.stringify(node)}`);
  const driver = (env.TUG_DRIVER || "process") as DriverName;
  if (!DRIVER_NAMES.includes(driver))
    throw new Error(`TUG_DRIVER must be one of ${DRIVER_NAMES.join(", ")}, got ${JSON.stringify(driver)}`);
  const portsFrom = intEnv(env, "TUG_PORTS_FROM", 20_000);
  if (!Number.isInteger(portsFrom) || portsFrom < 1024 || portsFrom > 65_535 - 999)
    throw new Error(`TUG_PORTS_FROM must be an integer in 1024..64536, got ${portsFrom}`);
  const dockerNetwork = (env.TUG_DOCKER_NETWORK || "bridge") as DockerNetwork;
  if (!DOCKER_NETWORKS.includes(dockerNetwork))
    throw new Error(
      `TUG_DOCKER_NETWORK must be one of ${DOCKER_NETWORKS.join(", ")}, got ${JSON.stringify(dockerNetwork)}`,
    );
  const dockerStartConcurrency = intEnv(env, "TUG_DOCKER_START_CONCURRENCY", 4);
  if (!(Number.isInteger(dockerStartConcurrency) && dockerStartConcurrency >= 1 && dockerStartConcurrency <= 256))
    throw new Error(`TUG_DOCKER_START_CONCURRENCY must be an integer in 1..256, got ${dockerStartConcurrency}`);
  return {
    node,
    instance: base.instance,
    address: env.TUG_NODE_ADDRESS || "127.0.0.1",
    capacity: {
      cpuMillis: intEnv(env, "TUG_NODE_CPU", cpus().length * 1000),
      memoryBytes: intEnv(env, "TUG_NODE_MEMORY", totalmem()),
    },
    labels: parseLabels(env.TUG_NODE_LABELS),
    driver,
    portsFrom,
    dataDir: env.TUG_DATA_DIR || "./.tug/data",
    workdir: env.TUG_WORKDIR || cwd,
    dockerSocket: env.TUG_DOCKER_SOCKET || "/var/run/docker.sock",
    dockerLabels: parseLabels(env.TUG_DOCKER_LABELS, "TUG_DOCKER_LABELS"),
    dockerNetwork,
    dockerStartConcurrency,
    heartbeatMs: positive(env, "TUG_HEARTBEAT_MS", 500),
    syncMs: positive(env, "TUG_SYNC_MS", 2_000),
    orphanGraceMs: intEnv(env, "TUG_ORPHAN_GRACE_MS", 3_000),
    drainDelayMs: nonNegative(env, "TUG_DRAIN_DELAY_MS", 1_000),
    stopOnExit: env.TUG_WORKER_STOP_ON_EXIT === "1",
    statusMs: 1_000,
    statusFullMs: positive(env, "TUG_STATUS_FULL_MS", 1_000),
    metricsMs: 2_000,
  };
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const n = intEnv(env, name, fallback);
  if (!(n > 0)) throw new Error(`${name} must be > 0, got ${n}`);
  return n;
}

function nonNegative(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const n = intEnv(env, name, fallback);
  if (!(Number.isInteger(n) && n >= 0 && n <= 600_000))
    throw new Error(`${name} must be an integer in 0..600000 ms, got ${n}`);
  return n;
}
