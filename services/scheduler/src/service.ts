/** The scheduler: binds pending replicas to ready nodes (filter → score → Lua CAS bind). */
import { subjects } from "@tug/contracts";
import { reconcileLoop, untilAborted } from "@tug/runtime";
import type { ServiceDeps, ServiceParts } from "@tug/service";
import { applySchedule } from "./apply.js";
import { nodeViews, planPlacements } from "./plan.js";
import { defaultFilters, defaultScores } from "./plugins/index.js";

const KEY = "pending";

/** Builds the scheduler's runnables; one queue key ("pending") means "run a scheduling pass". */
export function buildScheduler({ bus, store, log, metrics }: ServiceDeps, o: { resyncMs: number }): ServiceParts {
  const loop = reconcileLoop({
    name: "scheduler", log, metrics, resyncMs: o.resyncMs, workers: 1,
    listKeys: async () => [KEY],
    reconciler: {
      async reconcile() {
        const pending = (await store.pendingReplicas()).filter((r) => r.desired === "run" && r.node === null);
        if (pending.length === 0) return {};
        const [nodes, replicas] = await Promise.all([store.nodes(), store.replicas()]);
        const plan = planPlacements(pending, nodeViews(nodes, replicas.filter((r) => r.node !== null)), defaultFilters, defaultScores);
        const refused = await applySchedule(plan, store, bus, log);
        return refused > 0 || plan.unschedulable.length > 0 ? { requeueAfterMs: refused > 0 ? 50 : 1_000 } : {};
      },
    },
  });
  return {
    runnables: [
      {
        name: "hints",
        async run(signal) {
          bus.subscribe(subjects.hintAll("replica"), () => loop.queue.add(KEY));
          bus.subscribe(subjects.hintAll("node"), () => loop.queue.add(KEY));
          await untilAborted(signal);
        },
      },
      loop,
    ],
  };
}
