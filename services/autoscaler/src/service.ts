/**
 * The autoscaler: one active instance (Redis lease with a fencing token) turns metrics into replica counts and
 * changes them only through `tug.v1.desired.scale`, the same path a user takes.
 */
import { subjects } from "@tug/contracts";
import { periodic, untilAborted } from "@tug/runtime";
import type { ServiceDeps, ServiceParts } from "@tug/service";
import { MetricsBook } from "./metrics.js";
import { recommend, Stabilizer, targetOf } from "./plan.js";

export interface AutoscalerOptions {
  periodMs: number;
  leaseMs: number;
}

/** Builds the autoscaler's runnables. */
export function buildAutoscaler({ bus, store, log, config }: ServiceDeps, o: AutoscalerOptions): ServiceParts {
  const book = new MetricsBook();
  const stabilizer = new Stabilizer();
  let leader = false;

  async function evaluate(): Promise<void> {
    const lease = await store.acquireLease("autoscaler", config.instance, o.leaseMs);
    if (lease.held !== leader) log.info({ token: lease.token, holder: lease.holder }, lease.held ? "autoscaler lease taken" : "autoscaler lease lost");
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
      const value = metric === "cpu" ? book.cpuUtilization(ready.map((r) => r.id), d.template.resources.cpuMillis, now) : book.perReplica(d.id, metric, ready.length, now);
      const rec = recommend(a, { current: d.replicas, ready: ready.length, value });
      const replicas = stabilizer.stabilize(d.id, rec.replicas, d.replicas, a.scaleDownStabilizationSeconds * 1000, now);
      if (replicas === d.replicas) continue;
      log.info({ deployment: d.id, from: d.replicas, to: replicas, reason: rec.reason, fence: lease.token }, "autoscaling");
      await bus.request(subjects.desired("scale"), "desired.scale", { namespace: d.namespace, name: d.name, replicas, reason: `autoscaler: ${rec.reason}`, from: "autoscaler" });
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
      periodic("evaluate", o.periodMs, evaluate, (err) => log.warn({ err: String((err as Error)?.message ?? err) }, "autoscale pass failed")),
    ],
    checks: {},
  };
}
