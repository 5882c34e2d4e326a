/**
 * The system-test harness: a whole local cluster (nats, redis, control plane, workers) on free loopback ports with
 * a temp data dir and quick timings, plus a RedisStore and a Bus client on it. `stop()` leaves nothing behind.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomInt } from "node:crypto";
import { Bus, readNatsCreds } from "@tug/bus";
import { type LocalCluster, startLocalCluster } from "@tug/cluster";
import { silentLogger } from "@tug/log";
import { RedisStore } from "@tug/state";
import { uniquePrefix } from "./servers.js";

/**
 * The harness's NATS identity: a user's rights (intake requests, reads) plus publishing the proxy's traffic
 * figures, which autoscaling tests fake. Its credentials: `cluster.natsCredsOf(HARNESS_IDENTITY)`.
 */
export const HARNESS_IDENTITY = "harness";

/** Fast heartbeats and short graces so node loss and recovery happen within a test's patience. */
export const QUICK_TIMINGS: Readonly<Record<string, string>> = {
  TUG_HEARTBEAT_MS: "200",
  TUG_NODE_GRACE_MS: "1000",
  TUG_LOST_GRACE_MS: "1000",
};

export interface SystemOptions {
  /** Workers (default 3). */
  nodes?: number;
  /** Default `fake`. */
  driver?: "fake" | "process";
  /** A hosts lab of this many hosts (root only; `nodes` is then ignored). */
  hosts?: number;
  /** The lab's private /24. */
  hostsSubnet?: string;
  /** The address the API binds (default 127.0.0.1; any other serves HTTPS from the cluster's CA). */
  apiHost?: string;
  replicasPerComponent?: number;
  /** An `--ha` cluster: 3 NATS servers, Redis primary + 2 replicas + 3 Sentinels (the store then goes through them). */
  ha?: boolean;
  /** Extra environment for every component, on top of QUICK_TIMINGS. */
  env?: Record<string, string>;
  /** cwd of process-driver replicas (default: the repository root, so `examples/...` paths resolve). */
  workdir?: string;
  logLevel?: string;
  /** Every component output line (default: dropped; they are always in `<dataDir>/logs`). */
  onLine?: (component: string, line: string) => void;
  /**
   * How long to wait for every component to listen (default 60 s: a loaded machine starts a dozen processes slowly).
   */
  readyTimeoutMs?: number;
  /** Keep the temp data dir after stop (for post-mortems); also kept when TUG_KEEP_TEST_DATA=1. */
  keepDataDir?: boolean;
}

/** A running system under test. */
export interface TestSystem {
  cluster: LocalCluster;
  /** Connected to the cluster's Redis with its key prefix. */
  store: RedisStore;
  /** Connected to the cluster's NATS. */
  bus: Bus;
  prefix: string;
  dataDir: string;
  /** Closes the clients, stops every process and removes the temp data dir. Idempotent. */
  stop(): Promise<void>;
}

/** Starts a system for one test file. Always pair with `await sys.stop()` in afterAll. */
export async function startSystem(opts: SystemOptions = {}): Promise<TestSystem> {
  const nodes = opts.nodes ?? 3;
  const dataDir = mkdtempSync(join(tmpdir(), "tug-sys-"));
  const prefix = uniquePrefix("sys");
  const keep = opts.keepDataDir || process.env.TUG_KEEP_TEST_DATA === "1";
  const cleanDir = () => {
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
  };
  let cluster: LocalCluster | undefined;
  try {
    cluster = await startLocalCluster({
      nodes: opts.hosts ?? nodes,
      hosts: opts.hosts,
      hostsSubnet: opts.hostsSubnet,
      driver: opts.driver ?? "fake",
      dataDir,
      prefix,
      portsFrom: hostPortBase(opts.hosts ?? nodes),
      natsPort: 0,
      redisPort: 0,
      apiPort: 0,
      apiHost: opts.apiHost,
      dnsPort: 0,
      ha: opts.ha,
      replicasPerComponent: opts.replicasPerComponent ?? (opts.ha ? 2 : 1),
      workdir: opts.workdir,
      logLevel: opts.logLevel ?? "info",
      env: { ...QUICK_TIMINGS, ...(opts.env ?? {}) },
      onLine: opts.onLine,
      readyTimeoutMs: opts.readyTimeoutMs ?? 60_000,
      natsIdentities: [{ user: HARNESS_IDENTITY, role: "harness" }],
    });
    const store = new RedisStore({ ...cluster.redis, prefix });
    await store.ready();
    const creds = readNatsCreds(cluster.natsCredsOf(HARNESS_IDENTITY));
    const bus = await Bus.connect({ url: cluster.natsUrl, name: `system-test-${prefix}`, log: silentLogger(), creds });
    let stopped: Promise<void> | undefined;
    const c = cluster;
    return {
      cluster: c,
      store,
      bus,
      prefix,
      dataDir,
      stop: () =>
        (stopped ??= (async () => {
          await bus.close().catch(() => {});
          await store.close().catch(() => {});
          await c.stop();
          cleanDir();
        })()),
    };
  } catch (err) {
    await cluster?.stop();
    cleanDir();
    throw err;
  }
}

/**
 * A random host-port base for the workers, below the Linux ephemeral range (32768+, where free ports come from)
 * and clear of `tug up`'s default 20000–2N999, so parallel tests and a running cluster rarely collide.
 */
function hostPortBase(nodes: number): number {
  const bases: number[] = [];
  for (let b = 10_000; b + nodes * 1000 <= 32_768; b += 1000)
    if (b + nodes * 1000 <= 20_000 || b >= 20_000 + Math.max(nodes, 3) * 1000) bases.push(b);
  return bases.length ? bases[randomInt(bases.length)]! : 10_000;
}
