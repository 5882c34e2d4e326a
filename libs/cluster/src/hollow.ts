/**
 * `tug hollow`: many fake nodes in one process (services/worker/dist/hollow-main.js), joining a cluster over NATS
 * only, for scale work. This module validates the options into the process's environment and runs it in the
 * foreground (SIGINT/SIGTERM passed on once); `tug up --driver fake` uses `hollowEnv` for its large sizes.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { runForeground } from "./foreground.js";
import { HOLLOW_PER_PROCESS, workerProcesses } from "./hollow-size.js";
import { defaultRepoRoot, OptionError, type ResolvedOptions } from "./options.js";
import type { ChildSpec } from "./supervisor.js";
import { credsEnv } from "./nats-auth/creds-option.js";

/** Options of `tug hollow` (strings straight from commander are accepted and validated). */
export interface HollowOptions {
  /** NATS URL of the cluster. */
  join?: string;
  /** Number of nodes in this process (default 100). */
  nodes?: number | string;
  /** Node ids are `<prefix>-<first>` … (default `hollow`). */
  prefix?: string;
  /** Number of the first node (default 1). */
  first?: number | string;
  /** Node labels, `k=v,k2=v2`. */
  labels?: string;
  /** Capacity of each node: millicores and bytes (default 4000 and 8 GiB). */
  cpuMillis?: number | string;
  memoryBytes?: number | string;
  /** Heartbeat period of each node (default 1000 ms). */
  heartbeatMs?: number | string;
  logLevel?: string;
  /** The NATS credentials file (`tug node add PREFIX --hollow N`; default: `TUG_NATS_CREDS`). */
  creds?: string;
  /** Where services/worker/dist/hollow-main.js lives (default: this repository). */
  repoRoot?: string;
}

const PREFIX = /^[A-Za-z0-9_-]{1,100}$/;

function int(name: keyof HollowOptions, v: unknown, fallback: number, min: number, max: number): number {
  const n = v === undefined || v === "" ? fallback : Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new OptionError(name, `must be an integer in ${min}..${max}, got ${JSON.stringify(v)}`);
  }
  return n;
}

/** Validates the options and returns the hollow process's environment. Throws OptionError naming the bad option. */
export function hollowEnv(o: HollowOptions): Record<string, string> {
  const url = o.join ?? "";
  if (!/^(nats|tls):\/\/[^\s/]+(:\d{1,5})?$/.test(url)) {
    throw new OptionError("join", `must be a NATS URL like nats://10.0.0.1:4222, got ${JSON.stringify(url)}`);
  }
  const prefix = o.prefix ?? "hollow";
  if (!PREFIX.test(prefix)) {
    throw new OptionError("prefix", `must be a node id prefix ([A-Za-z0-9_-]), got ${JSON.stringify(prefix)}`);
  }
  const env: Record<string, string> = {
    TUG_NATS_URL: url,
    TUG_DRIVER: "fake",
    TUG_HOLLOW_PREFIX: prefix,
    TUG_HOLLOW_NODES: String(int("nodes", o.nodes, 100, 1, 100_000)),
    TUG_HOLLOW_FIRST: String(int("first", o.first, 1, 0, 10_000_000)),
    TUG_NODE_CPU: String(int("cpuMillis", o.cpuMillis, 4_000, 1, 10_000_000)),
    TUG_NODE_MEMORY: String(int("memoryBytes", o.memoryBytes, 8 * 2 ** 30, 1, Number.MAX_SAFE_INTEGER)),
    TUG_HEARTBEAT_MS: String(int("heartbeatMs", o.heartbeatMs, 1_000, 50, 60_000)),
    TUG_INSTANCE: `hollow-${prefix}-${process.pid}-${Date.now().toString(36)}`,
  };
  if (o.labels) env.TUG_NODE_LABELS = o.labels;
  if (o.logLevel) env.TUG_LOG_LEVEL = o.logLevel;
  Object.assign(env, credsEnv(o.creds));
  return env;
}

/** A hollow process as a supervisor spec (tier 0: stopped first, like workers). */
export type HollowSpec = ChildSpec & { role: string; healthPort: number };

/**
 * `tug up`'s hollow processes (see hollow-size.ts): process i runs nodes `node-<first>` … of one HOLLOW_PER_PROCESS
 * slice, with the cluster's environment and one health port from `healthPorts` each.
 */
export function hollowSpecs(o: ResolvedOptions, natsUrl: string, healthPorts: number[]): HollowSpec[] {
  return Array.from({ length: workerProcesses(o) }, (_, i) => {
    const { first, nodes } = hollowSlice(o, i);
    const name = `hollow-${i + 1}`;
    const healthPort = healthPorts.shift();
    if (healthPort === undefined) throw new Error("internal: ran out of pre-allocated health ports");
    const env = {
      ...o.env,
      ...hollowEnv({ join: natsUrl, nodes, first, prefix: "node", logLevel: o.logLevel }),
      TUG_PORTS_FROM: String(o.portsFrom),
      TUG_INSTANCE: name,
      TUG_HEALTH_PORT: String(healthPort),
    };
    const args = [hollowEntry(o.repoRoot)];
    return { name, role: "hollow", tier: 0, cmd: process.execPath, args, env, cwd: o.repoRoot, healthPort };
  });
}

/** The nodes of `tug up`'s hollow process i (0-based): the number of the first, and how many. */
function hollowSlice(o: ResolvedOptions, i: number): { first: number; nodes: number } {
  const first = i * HOLLOW_PER_PROCESS + 1;
  return { first, nodes: Math.min(HOLLOW_PER_PROCESS, o.nodes - first + 1) };
}

/** The node ids of `tug up`'s hollow process i (0-based), `node-<first>` …, for its NATS permissions. */
export function hollowNodeIds(o: ResolvedOptions, i: number): string[] {
  const { first, nodes } = hollowSlice(o, i);
  return Array.from({ length: nodes }, (_, j) => `node-${first + j}`);
}

/** The hollow process's entry file under `repoRoot`. */
export function hollowEntry(repoRoot = defaultRepoRoot()): string {
  return join(repoRoot, "services", "worker", "dist", "hollow-main.js");
}

/** Runs the hollow process in the foreground until it exits; resolves with its exit code. */
export async function runHollow(
  o: HollowOptions,
  out = (l: string) => void process.stderr.write(`${l}\n`),
): Promise<number> {
  const env = hollowEnv(o);
  const main = hollowEntry(o.repoRoot);
  if (!existsSync(main)) throw new Error(`missing worker build ${main} (run \`npm run build\`)`);
  const last = Number(env.TUG_HOLLOW_FIRST) + Number(env.TUG_HOLLOW_NODES) - 1;
  const prefix = env.TUG_HOLLOW_PREFIX;
  out(`tug hollow: nodes ${prefix}-${env.TUG_HOLLOW_FIRST} … ${prefix}-${last} join ${env.TUG_NATS_URL}`);
  return runForeground(main, env);
}
