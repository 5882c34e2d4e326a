/**
 * The scheduler: binds pending replicas to ready nodes (filter → score → batched Lua CAS bind). A pass plans every
 * pending replica that is due against one snapshot of free capacity (the CapacityIndex); replicas that fit nowhere
 * are parked (UnschedulableQueue) until capacity changes or their backoff runs out.
 */
import { subjects } from "@tug/contracts";
import { holdDecision, periodic, reconcileLoop, untilAborted } from "@tug/runtime";
import type { ServiceDeps, ServiceParts } from "@tug/service";
import { storeGate } from "@tug/state";
import { applySchedule } from "./apply.js";
import { CAPACITY_REBUILD_MS, CapacityIndex } from "./capacity-index.js";
import { UnschedulableQueue } from "./parking.js";
import { planPlacements } from "./plan.js";
import { defaultFilters, type Strategy, strategies } from "./plugins/index.js";

const KEY = "pending";
/** Least time between two passes that only retry parked replicas. */
const RETRY_GAP_MS = 1_000;
/** How often the capacity index is brought up to date between passes (hinted nodes, recheck and rebuild if due). */
const INDEX_TICK_MS = 1_000;

/** Scheduler settings. */
export interface SchedulerOptions {
  /** Period of the pass that looks for pending replicas whatever the hints said (ms). */
  resyncMs: number;
  /**
   * Period of the full re-read of node capacity, every replica included (ms; default CAPACITY_REBUILD_MS); nodes and
   * their replica counts are compared every 30 s.
   */
  rebuildMs?: number;
  /** Scoring strategy (default spread). */
  strategy?: Strategy;
  /**
   * Wait between planning binds and committing them (default 0). A test knob: a system test pauses the instance
   * while it holds binds that another scheduler then makes, and proves the stale binds change nothing.
   */
  holdMs?: number;
}

/** Builds the scheduler's runnables; one queue key ("pending") means "run a scheduling pass". */
export function buildScheduler({ bus, store, log, metrics }: ServiceDeps, o: SchedulerOptions): ServiceParts {
  const index = new CapacityIndex(store, o.rebuildMs ?? CAPACITY_REBUILD_MS);
  const parked = new UnschedulableQueue();
  const scores = strategies[o.strategy ?? "spread"];
  // parked replicas are retried together, at most once a second (kube-scheduler flushes its backoff queue so)
  const retry = () => {
    const next = parked.nextRetryIn(Date.now());
    return next === undefined ? undefined : Math.max(RETRY_GAP_MS, next);
  };
  // a pass: every due pending replica planned against one snapshot of the index, bound, or parked if it fits nowhere
  const pass = async (): Promise<{ requeueAfterMs?: number }> => {
    const now = Date.now();
    const epoch = parked.current;
    const due = parked.due(await store.pendingIds(), now);
    if (due.length === 0) return { requeueAfterMs: retry() };
    const pending = (await store.replicasByIds(due)).filter((r) => r.desired === "run" && r.node === null);
    if (pending.length === 0) return { requeueAfterMs: retry() };
    const plan = planPlacements(pending, await index.current(now), defaultFilters, scores);
    if (plan.bind.length > 0 && o.holdMs) {
      const binds = plan.bind.map((b) => `${b.replica.id}@${b.node}`);
      await holdDecision(log, o.holdMs, { binds }, "holding plan");
    }
    const applied = await applySchedule(plan, store, bus, log);
    for (const id of applied.bound) parked.forget(id);
    for (const { replica } of plan.unschedulable) parked.park(replica.id, epoch, now);
    for (const node of applied.refusedNodes) index.markDirty(node);
    // a refused bind shows the snapshot was stale: what this pass found fits nowhere may fit once it is re-read
    if (applied.refused > 0) parked.capacityChanged();
    return { requeueAfterMs: applied.refused > 0 ? 50 : retry() };
  };
  let passing = false;
  const loop = reconcileLoop({
    name: "scheduler",
    log,
    metrics,
    resyncMs: o.resyncMs,
    workers: 1,
    storeGate: storeGate(store),
    listKeys: async () => [KEY],
    reconciler: {
      async reconcile() {
        passing = true;
        try {
          return await pass();
        } finally {
          passing = false;
        }
      },
    },
  });
  return {
    runnables: [
      {
        name: "hints",
        async run(signal) {
          bus.subscribe(subjects.hintAll("replica"), () => loop.queue.add(KEY));
          bus.onReconnect(() => {
            index.invalidate(); // hints may have been lost while disconnected
            parked.capacityChanged();
            loop.queue.add(KEY);
          });
          bus.subscribe(subjects.hintAll("node"), (env) => {
            const id = (env.body as { id?: unknown })?.id;
            if (typeof id === "string") index.markDirty(id);
            else index.invalidate();
            parked.capacityChanged();
            loop.queue.add(KEY);
          });
          await untilAborted(signal);
        },
      },
      // between passes: the index kept current (built at start, hinted nodes re-read) so that a pass finds it warm,
      // as kube-scheduler schedules from a synced cache; and a capacity change whose hint was lost, found by the
      // index's recheck, retries the parked replicas
      periodic(
        "index",
        INDEX_TICK_MS,
        async () => {
          if (passing) return;
          if ((await index.recheckIfDue()) && parked.size > 0) {
            parked.capacityChanged();
            loop.queue.add(KEY);
          }
          if (!passing) await index.current();
        },
        (err) => log.warn({ err: String(err) }, "capacity index update failed"),
      ),
      loop,
    ],
  };
}
