/**
 * HPA-style recommendation, pure: desired = ceil(ready × value / target), within a 10 % tolerance, with a
 * scale-up limit per period and a scale-down stabilization window (the highest recommendation in the window wins).
 */
import type { Autoscale } from "@tug/contracts";

export interface Observation {
  /** Replicas currently desired. */
  current: number;
  /** Ready replicas the value was measured over (not-yet-ready ones are ignored). */
  ready: number;
  /** Average metric per ready replica (cpu: % of request; rps / connections: per replica). */
  value: number | undefined;
}

export interface Recommendation {
  replicas: number;
  reason: string;
}

/** Tolerance around the target within which nothing changes. */
export const TOLERANCE = 0.1;

/** The metric an autoscale spec follows, and its per-replica target. */
export function targetOf(a: Autoscale): { metric: "cpu" | "rps" | "connections"; target: number } {
  if (a.targetCPU !== undefined) return { metric: "cpu", target: a.targetCPU };
  return { metric: a.metric ?? "cpu", target: a.target ?? 1 };
}

/** Raw recommendation for one observation (before stabilization). */
export function recommend(a: Autoscale, o: Observation): Recommendation {
  const { metric, target } = targetOf(a);
  const clamp = (n: number) => Math.min(a.max, Math.max(a.min, n));
  if (o.value === undefined || o.ready === 0)
    return { replicas: clamp(o.current), reason: `no ${metric} samples; holding` };
  const value = o.value;
  let ratio = value / target;
  let over = o.ready;
  const within = () => Math.abs(ratio - 1) <= TOLERANCE;
  if (within())
    return { replicas: clamp(o.current), reason: `${metric} ${value.toFixed(1)} within 10% of target ${target}` };
  // Like the HPA: while some replicas are not ready yet, a scale-up assumes they carry nothing (the load spread over
  // all current replicas); if that is within tolerance or not a scale-up after all, hold.
  if (ratio > 1 && o.ready < o.current) {
    ratio = (value * o.ready) / (o.current * target);
    if (within() || ratio < 1)
      return {
        replicas: clamp(o.current),
        reason:
          `${metric} ${value.toFixed(1)} vs target ${target}; ` +
          `waiting for ${o.current - o.ready} replicas to become ready`,
      };
    over = o.current;
  }
  // ready × (total / ready) / target is not exact in floating point (3 × (65 / 3) / 5 = 13.000000000000002): a tiny
  // epsilon keeps ceil from adding a replica that the figures do not ask for.
  let want = Math.ceil(over * ratio - 1e-9);
  const upLimit = Math.max(2 * o.current, o.current + 4);
  if (want > upLimit) want = upLimit;
  return { replicas: clamp(want), reason: `${metric} ${value.toFixed(1)} vs target ${target}` };
}

/** Keeps recent recommendations per deployment and applies the scale-down stabilization window. */
export class Stabilizer {
  private readonly history = new Map<string, Array<{ at: number; replicas: number }>>();

  /** Returns the stabilized count: scale-ups pass at once, scale-downs take the window's maximum. */
  stabilize(id: string, rec: number, current: number, windowMs: number, now: number): number {
    const h = (this.history.get(id) ?? [{ at: now, replicas: current }]).filter((e) => now - e.at <= windowMs);
    h.push({ at: now, replicas: rec });
    this.history.set(id, h);
    if (rec >= current) return rec;
    return Math.min(current, Math.max(...h.map((e) => e.replicas)));
  }

  /** Forgets deployments that no longer autoscale. */
  retain(ids: Set<string>): void {
    for (const id of this.history.keys()) if (!ids.has(id)) this.history.delete(id);
  }
}
