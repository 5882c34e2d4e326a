/** Options of a chaos run: types, defaults and validation (structured VALIDATION_FAILED errors naming the field). */
import { TugError } from "@tug/contracts";

/** Drivers a chaos cluster can run on. */
export const CHAOS_DRIVERS = ["fake", "process"] as const;
export type ChaosDriver = (typeof CHAOS_DRIVERS)[number];

/** What runChaos() accepts; strings (from a CLI) are converted. */
export interface ChaosOptions {
  /** How long faults are injected (ms). */
  durationMs: number | string;
  /** Seed of the workload and fault sequences. */
  seed: number | string;
  /** Workers (default 3). */
  nodes?: number | string;
  /**
   * A hosts lab of this many hosts (root only; 0 = none): every node in its own network namespace, partition-host and
   * kill-host faults drawn too, and the host invariants checked. Implies the process driver and `nodes = hosts`.
   */
  hosts?: number | string;
  /** The lab's private /24 (default 10.231.128.0/24, apart from `tug up --hosts`' default). */
  hostsSubnet?: string;
  /**
   * An `--ha` cluster (3 NATS servers, Redis with Sentinels): kill-redis-primary and kill-nats-server are drawn
   * instead of restart-redis and restart-nats; 2 instances per component unless told otherwise.
   */
  ha?: boolean;
  /** Default `fake`. */
  driver?: string;
  /** Instances of each control-plane role (default 1). */
  replicasPerComponent?: number | string;
  /** Keep injecting past `durationMs` until this many faults were delivered (at most 3 × durationMs; default 0). */
  minFaults?: number | string;
  /** Mean time between two faults (default 700 ms; each gap is drawn from [0.5, 1.5] × this). */
  faultEveryMs?: number | string;
  /** How long every deployment may take to converge once faults stop (default 60 s). */
  convergeTimeoutMs?: number | string;
  /** Deployments the workload creates at most (default 8). */
  maxDeployments?: number | string;
  /** Concurrent workload clients, each with deployments of its own (default 1; at most maxDeployments). */
  clients?: number | string;
  /** The workload deletes deployments too (and applies them again later). */
  deletes?: boolean;
  /** Every workload client also changes one shared deployment (concurrent writes to one object). */
  shared?: boolean;
  /** The worker's orphan grace (default 3 s); a replica may run unclaimed for this + 3 s. */
  orphanGraceMs?: number | string;
  /** Repository root (where services/<role>/dist live; process-driver replicas run from here). */
  repoRoot?: string;
  /** Keep the temp data dir after the run (for post-mortems). */
  keepDataDir?: boolean;
  /** Progress lines (default: dropped). */
  log?: (line: string) => void;
  /** Called every 100 ms while faults are injected, with how far the run has got (default: nothing). */
  progress?: (p: ChaosProgress) => void;
}

/** How far a chaos run has got while it injects faults. */
export interface ChaosProgress {
  elapsedMs: number;
  durationMs: number;
  faults: number;
  violations: number;
}

/** Options after validation and defaults. */
export interface ResolvedChaosOptions {
  durationMs: number;
  seed: number;
  nodes: number;
  hosts: number;
  hostsSubnet: string;
  ha: boolean;
  driver: ChaosDriver;
  replicasPerComponent: number;
  faultEveryMs: number;
  minFaults: number;
  convergeTimeoutMs: number;
  maxDeployments: number;
  clients: number;
  deletes: boolean;
  shared: boolean;
  orphanGraceMs: number;
  repoRoot?: string;
  keepDataDir: boolean;
  log: (line: string) => void;
  progress: (p: ChaosProgress) => void;
}

/** Validates `o` and fills in defaults; throws TugError(VALIDATION_FAILED) naming the bad field. */
export function resolveChaosOptions(o: ChaosOptions): ResolvedChaosOptions {
  const hosts = int("hosts", o.hosts, 0, 0, 20);
  if (hosts === 1) throw new TugError("VALIDATION_FAILED", "hosts must be 0 or at least 2", "hosts");
  if (hosts > 0 && o.driver !== undefined && o.driver !== "process")
    throw new TugError("VALIDATION_FAILED", "--hosts runs the process driver", "driver");
  const driver = hosts > 0 ? "process" : (o.driver ?? "fake");
  const ha = o.ha ?? false;
  if (!(CHAOS_DRIVERS as readonly string[]).includes(driver))
    throw new TugError(
      "VALIDATION_FAILED",
      `driver must be one of ${CHAOS_DRIVERS.join(", ")}, got ${JSON.stringify(driver)}`,
      "driver",
    );
  const maxDeployments = int("maxDeployments", o.maxDeployments, 8, 1, 100);
  return {
    durationMs: int("durationMs", o.durationMs, undefined, 1_000, 7 * 86_400_000),
    seed: int("seed", o.seed, undefined, 0, 2 ** 32 - 1),
    nodes: hosts > 0 ? hosts : int("nodes", o.nodes, 3, 1, 50),
    hosts,
    ha,
    hostsSubnet: o.hostsSubnet ?? "10.231.128.0/24",
    driver: driver as ChaosDriver,
    replicasPerComponent: int("replicasPerComponent", o.replicasPerComponent, ha ? 2 : 1, 1, 8),
    faultEveryMs: int("faultEveryMs", o.faultEveryMs, 700, 50, 3_600_000),
    minFaults: int("minFaults", o.minFaults, 0, 0, 1_000_000),
    convergeTimeoutMs: int("convergeTimeoutMs", o.convergeTimeoutMs, 60_000, 1_000, 3_600_000),
    maxDeployments,
    clients: int("clients", o.clients, 1, 1, maxDeployments),
    deletes: o.deletes ?? false,
    shared: o.shared ?? false,
    orphanGraceMs: int("orphanGraceMs", o.orphanGraceMs, 3_000, 0, 600_000),
    repoRoot: o.repoRoot,
    keepDataDir: o.keepDataDir ?? false,
    log: o.log ?? (() => {}),
    progress: o.progress ?? (() => {}),
  };
}

function int(
  field: string,
  v: number | string | undefined,
  fallback: number | undefined,
  min: number,
  max: number,
): number {
  if (v === undefined || v === "") {
    if (fallback === undefined) throw new TugError("VALIDATION_FAILED", `${field} is required`, field);
    return fallback;
  }
  const n = typeof v === "number" ? v : /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n))
    throw new TugError("VALIDATION_FAILED", `${field} must be an integer, got ${JSON.stringify(v)}`, field);
  if (n < min || n > max)
    throw new TugError("VALIDATION_FAILED", `${field} must be between ${min} and ${max}, got ${n}`, field);
  return n;
}
