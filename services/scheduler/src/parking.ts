/**
 * The unschedulable queue (kube-scheduler's unschedulablePods, in our words): a replica that fit nowhere is parked
 * and not planned again until the cluster's capacity changes (a node added, Ready or uncordoned, a replica removed)
 * or its own backoff (doubling, capped) runs out, so replicas waiting for room cost nothing while nothing changes.
 * The capacity index's periodic recheck (node records and counts, every 30 s) announces a change whose hint was lost,
 * so the backoff is only the last resort: it starts at that period (a retry sooner would plan against the same index
 * and fail the same way) and doubles up to 5 min, kube-scheduler's podMaxInUnschedulablePodsDuration.
 */
import { backoff } from "@tug/runtime";

/** The first retry of a parked replica when no capacity change is seen (ms): the index's recheck period. */
export const PARKED_BASE_MS = 30_000;
/** The longest a parked replica waits for its retry when no capacity change is seen (ms). */
export const PARKED_MAX_MS = 300_000;

interface Parked {
  attempts: number;
  retryAt: number;
  /** The capacity epoch of the pass that parked it. */
  epoch: number;
}

/** Parked replica ids and when each may be tried again. */
export class UnschedulableQueue {
  private readonly parked = new Map<string, Parked>();
  private epoch = 0;

  /** `baseMs` first retry, doubling per failed attempt up to `maxMs`. */
  constructor(
    private readonly baseMs = PARKED_BASE_MS,
    private readonly maxMs = PARKED_MAX_MS,
  ) {}

  /** Capacity changed somewhere: every replica parked before now may fit. */
  capacityChanged(): void {
    this.epoch++;
  }

  /** The current capacity epoch; pass it to `park` for replicas planned from a snapshot taken now. */
  get current(): number {
    return this.epoch;
  }

  /** Number of parked replicas. */
  get size(): number {
    return this.parked.size;
  }

  /** Of the pending `ids`, those to plan now; parked ids no longer pending are forgotten. */
  due(ids: readonly string[], now: number): string[] {
    const pending = new Set(ids);
    for (const id of this.parked.keys()) if (!pending.has(id)) this.parked.delete(id);
    return ids.filter((id) => {
      const p = this.parked.get(id);
      return !p || p.retryAt <= now || p.epoch < this.epoch;
    });
  }

  /** Parks `id`, planned from a snapshot of capacity epoch `epoch`, after one more failed attempt. */
  park(id: string, epoch: number, now: number): void {
    const attempts = (this.parked.get(id)?.attempts ?? 0) + 1;
    this.parked.set(id, { attempts, retryAt: now + backoff(attempts - 1, this.baseMs, this.maxMs), epoch });
  }

  /** `id` was bound, or is gone: forget it. */
  forget(id: string): void {
    this.parked.delete(id);
  }

  /** Ms until the earliest parked replica's backoff runs out (undefined when none is parked). */
  nextRetryIn(now: number): number | undefined {
    let next = Infinity;
    for (const p of this.parked.values()) next = Math.min(next, p.retryAt);
    return next === Infinity ? undefined : Math.max(0, next - now);
  }
}
