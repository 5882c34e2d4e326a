/**
 * The autoscaler: one active instance (Redis lease with a fencing token) turns metrics into replica counts and
 * changes them only through `tug.v1.desired.scale`, the same path a user takes. Every scale carries the lease's
 * token (the controller's Lua refuses it once a newer instance holds the lease) and the generation it was decided
 * from (a user's write in between wins).
 */
import { subjects, TugError } from "@tug/contracts";
import { holdDecision, periodic, untilAborted } from "@tug/runtime";
import type { ServiceDeps, ServiceParts } from "@tug/service";
import { MetricsBook } from "./metrics.js";
import { recommend, Stabilizer, targetOf } from "./plan.js";

/** The lease role of the autoscaler; its fencing counter is `fence:autoscaler`. */
export const AUTOSCALER_ROLE = "autoscaler";

export interface AutoscalerOptions {
  periodMs: number;
  leaseMs: number;
  /**
   * Wait between deciding a scale and sending it (default 0). A test knob: it widens the moment in which a paused
   * instance holds a decision made under a lease it may have lost, so a system test can pause it exactly there.
   */
  holdMs?: number;
}

/** Builds the autoscaler's runnables. */
export function buildAutoscaler({ bus, store, log, config }: ServiceDeps, o: AutoscalerOptions): ServiceParts {
  const book = new MetricsBook();
  const stabilizer = new Stabilizer();
  let leader = false;

  async function evaluate(): Promise<void> {
    const lease = await store.acquireLease(AUTOSCALER_ROLE, config.instance, o.leaseMs);
    if (lease.held !== leader)
      log.info(
        { token: lease.token, holder: lease.holder },
        lease.held ? "autoscaler lease taken" : "autoscaler lease lost",
      );
    leader = lease.held;
    if (!leader) return;
    const now = Date.now();
    const deps = (await store.deployments()).filter((d) => d.autoscale);
    stabilizer.retain(new Set(deps.map((d) => d.id)));
    book.prune(now);
    for (const d of deps) {
      const a = d.autoscale!;
      const ready = (await store.replicasOfDeployment(d.id)).filter((r) => r.desired === "run" && r.ready);
      const { metric } = targetOf(a);
      const value =
        metric === "cpu"
          ? book.cpuUtilization(
              ready.map((r) => r.id),
              d.template.resources.cpuMillis,
              now,
            )
          : book.perReplica(d.id, metric, ready.length, now);
      const rec = recommend(a, { current: d.replicas, ready: ready.length, value });
      const replicas = stabilizer.stabilize(
        d.id,
        rec.replicas,
        d.replicas,
        a.scaleDownStabilizationSeconds * 1000,
        now,
      );
      if (replicas === d.replicas) continue;
      log.info(
        { deployment: d.id, from: d.replicas, to: replicas, reason: rec.reason, fence: lease.token },
        "autoscaling",
      );
      await holdDecision(log, o.holdMs, { deployment: d.id, to: replicas }, "holding scale decision");
      const body = {
        namespace: d.namespace,
        name: d.name,
        replicas,
        reason: `autoscaler: ${rec.reason}`,
        from: AUTOSCALER_ROLE,
        expectGeneration: d.gen,
        fence: { role: AUTOSCALER_ROLE, token: lease.token },
      };
      try {
        await bus.request(subjects.desired("scale"), "desired.scale", body);
      } catch (err) {
        const refused =
          err instanceof TugError && (err.code === "STALE_FENCING_TOKEN" || err.code === "GENERATION_MISMATCH");
        if (!refused) throw err;
        log.warn(
          { deployment: d.id, to: replicas, fence: lease.token, code: err.code },
          "scale refused; re-evaluating",
        );
        if (err.code === "STALE_FENCING_TOKEN") leader = false;
        return;
      }
    }
  }

  return {
    runnables: [
      {
        name: "metrics-intake",
        async run(signal) {
          bus.subscribe(subjects.nodeAny("metrics"), (env) => book.addNodeMetrics(env.body));
          bus.subscribe(subjects.proxyMetrics, (env) => book.addProxyMetrics(env.body));
          await untilAborted(signal);
        },
      },
      periodic("evaluate", o.periodMs, evaluate, (err) =>
        log.warn({ err: String((err as Error)?.message ?? err) }, "autoscale pass failed"),
      ),
    ],
    checks: {},
  };
}
