/**
 * Hollow nodes (kubemark's hollow-node, in our words): many fake-driver nodes in one process. Each is a full worker
 * built by `buildWorker` — its own node id and instance, heartbeats, status reports, sync requests and assignment
 * subscription over the process's one NATS connection — running replicas that exist only in memory. Their timers
 * start spread over one heartbeat period, so N nodes do not beat in step.
 */
import { setMaxListeners } from "node:events";
import { FakeDriver } from "@tug/drivers";
import { type Runnable, sleep } from "@tug/runtime";
import type { ServiceParts } from "@tug/service";
import type { WorkerConfig } from "./config.js";
import { buildWorker, type WorkerDeps } from "./service.js";

/** What every hollow node of the process shares; `node(i)` names node i. */
export interface HollowOptions {
  /** Number of nodes. */
  nodes: number;
  /** Node id of node `i` (0-based). */
  name: (i: number) => string;
  /** Settings of every node (node and instance are set per node). */
  base: Omit<WorkerConfig, "node" | "instance" | "driver">;
  /** The process's instance id; node i's instance is `<instance>-<i>`. */
  instance: string;
}

/** The built hollow nodes: the host's parts and each node's driver (tests crash replicas through it). */
export interface HollowParts extends ServiceParts {
  drivers: Map<string, FakeDriver>;
}

/**
 * Starts `r` after `delayMs` (or not at all when stopped first), under a signal of its own that follows the
 * process's: every sleep adds and removes an abort listener, and on one signal shared by thousands of loops each of
 * those walks thousands of listeners (the profile of 1,000 hollow nodes: half the process's time).
 */
function delayed(r: Runnable, delayMs: number): Runnable {
  return {
    name: r.name,
    async run(signal) {
      setMaxListeners(0, signal); // one listener per loop of every node, added once
      const own = new AbortController();
      const stop = () => own.abort();
      if (signal.aborted) stop();
      else signal.addEventListener("abort", stop, { once: true });
      try {
        await sleep(delayMs, own.signal);
        if (!own.signal.aborted) await r.run(own.signal);
      } finally {
        signal.removeEventListener("abort", stop);
      }
    },
  };
}

/** Builds `o.nodes` hollow workers on one bus. */
export async function buildHollow(deps: WorkerDeps, o: HollowOptions): Promise<HollowParts> {
  const drivers = new Map<string, FakeDriver>();
  const parts: ServiceParts[] = [];
  for (let i = 0; i < o.nodes; i++) {
    const node = o.name(i);
    const driver = new FakeDriver();
    const config: WorkerConfig = { ...o.base, node, instance: `${o.instance}-${i}`, driver: "fake" };
    parts.push(await buildWorker({ bus: deps.bus, log: deps.log.child({ node }) }, config, driver));
    drivers.set(node, driver);
  }
  const spread = (i: number) => Math.floor((i * o.base.heartbeatMs) / Math.max(1, o.nodes));
  return {
    drivers,
    runnables: parts.flatMap((p, i) => p.runnables.map((r) => delayed(r, spread(i)))),
    onStop: async () => {
      await Promise.all(parts.map((p) => p.onStop?.()));
    },
  };
}
