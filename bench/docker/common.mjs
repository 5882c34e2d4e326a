// Shared by both halves of bench/docker: the workload (same image and resources on both systems), the figure line
// and the ratio line. Polling comes from bench/common/poll.mjs, percentiles from bench/heal/stats.mjs.
import { percentile } from "../heal/stats.mjs";

export { until } from "../common/poll.mjs";

/**
 * The workload of every scenario: image and per-replica memory (MiB, reserved and limited on both systems). No CPU
 * reservation or limit on either side: Tugboat turns a cpu request into a hard quota, and a quota small enough for 50
 * copies to fit one 2-core node starves Node.js start-up for many seconds on both systems.
 */
export const WORKLOAD = {
  image1: "tug-examples/web:1",
  image2: "tug-examples/web:2",
  memoryMi: 64,
  containerPort: 8080,
};

/** Tugboat's readiness probe in every scenario (HTTP GET /healthz every 500 ms). */
export const READINESS = { path: "/healthz", periodMs: 500, failureThreshold: 2 };

/** Tugboat's manifest of the workload: `replicas` copies of `image`, probed as READINESS says. */
export function manifest(name, replicas, image) {
  return {
    kind: "Deployment",
    name,
    replicas,
    image,
    ports: [{ name: "http", containerPort: WORKLOAD.containerPort }],
    resources: { cpu: 0, memory: `${WORKLOAD.memoryMi}Mi` },
    readinessProbe: {
      http: { path: READINESS.path, port: "http" },
      periodSeconds: READINESS.periodMs / 1000,
      failureThreshold: READINESS.failureThreshold,
    },
    // a 50-replica rollout on a busy 2-core machine outlasts the default 60 s deadline and would roll back
    strategy: { maxSurge: "25%", maxUnavailable: 0, progressDeadlineSeconds: 900 },
  };
}

/** Tugboat's default maxSurge, as Swarm's --update-parallelism for `n` replicas (25 %, rounded up). */
export const surge = (n) => Math.ceil(n * 0.25);

/** Prints one figure (ms; several samples → p50 and max) as a JSON line and returns it. */
export function figure(system, scenario, samplesMs, extra = {}) {
  const ms = Array.isArray(samplesMs) ? samplesMs : [samplesMs];
  const line = {
    bench: "docker",
    system,
    scenario,
    trials: ms.length,
    ms: Math.round(percentile(ms, 50)),
    max_ms: Math.round(Math.max(...ms)),
    ...extra,
  };
  console.log(JSON.stringify(line));
  return line;
}

/**
 * Prints `a` / `b` (tugboat / swarm, or a system / the engine's floor) for one scenario, against `goal` when one
 * applies (null: a plain ratio), with `extra` fields (e.g. the network).
 */
export function ratio(scenario, a, b, goal, extra = {}) {
  if (!a || !b) return;
  const r = +(a.ms / b.ms).toFixed(2);
  const judged = goal == null ? {} : { goal, met: r <= goal };
  console.log(
    JSON.stringify({
      bench: "docker",
      figure: "ratio",
      scenario,
      ...extra,
      numerator_ms: a.ms,
      denominator_ms: b.ms,
      ratio: r,
      ...judged,
    }),
  );
}

/** Runs `fn`, returns its duration in ms. */
export async function timed(fn) {
  const t0 = Date.now();
  await fn();
  return Date.now() - t0;
}
