/**
 * A de-duplicating work queue (client-go workqueue semantics): a key waits at most once; a key being processed
 * is never handed out twice at the same time; adding it while it is processed marks it dirty so it runs again.
 *
 * With a `dutyCycle` below 1, a key whose processing took `t` ms is not handed out again before
 * `t × (1 / dutyCycle − 1)` ms have passed: what arrives meanwhile is coalesced into one later run. A key that costs
 * little (a small deployment: a few ms) is barely delayed; one that costs much (a deployment of thousands of replicas
 * whose every status change is a hint) is looked at a bounded share of the time instead of back to back, so its
 * cost follows the clock, not the rate of changes.
 */
export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly delayed = new Map<string, NodeJS.Timeout>();
  /** Per key: the time before which it is not handed out again (duty cycle). */
  private readonly notBefore = new Map<string, number>();
  /** Size of `notBefore` after its last sweep of expired rests (a sweep runs when it has doubled). */
  private sweptSize = 64;
  private readonly restFactor: number;
  private waiters: Array<() => void> = [];
  private closed = false;

  constructor(o: { dutyCycle?: number } = {}) {
    const d = o.dutyCycle ?? 1;
    if (!(d > 0 && d <= 1)) throw new RangeError(`dutyCycle must be in (0, 1], got ${d}`);
    this.restFactor = 1 / d - 1;
  }

  /** Enqueue `key` unless it already waits (after its rest, when it is resting: see `dutyCycle`). */
  add(key: string): void {
    if (this.closed || this.dirty.has(key)) return;
    const rest = this.restLeft(key);
    if (rest > 0 && !this.processing.has(key)) return this.addAfter(key, rest);
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.queue.push(key);
    this.wake();
  }

  /** Enqueue `key` after `ms` (a later call with a shorter delay wins). */
  addAfter(key: string, ms: number): void {
    if (this.closed) return;
    const prev = this.delayed.get(key);
    if (prev) clearTimeout(prev);
    const t = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    t.unref();
    this.delayed.set(key, t);
  }

  /** Next key to process, or undefined once the queue is closed. Call `done(key)` afterwards. */
  async get(): Promise<string | undefined> {
    while (this.queue.length === 0) {
      if (this.closed) return undefined;
      await new Promise<void>((r) => this.waiters.push(r));
    }
    const key = this.queue.shift()!;
    this.dirty.delete(key);
    this.processing.add(key);
    return key;
  }

  /**
   * Marks `key` processed (it took `tookMs`, which sets its rest under a duty cycle); if it was added meanwhile it is
   * queued again, after its rest.
   */
  done(key: string, tookMs = 0): void {
    this.processing.delete(key);
    if (this.restFactor > 0 && tookMs > 0) this.rest(key, Date.now() + tookMs * this.restFactor);
    else this.notBefore.delete(key);
    if (!this.dirty.has(key)) return;
    const rest = this.restLeft(key);
    if (rest > 0) {
      this.dirty.delete(key);
      this.addAfter(key, rest);
      return;
    }
    this.queue.push(key);
    this.wake();
  }

  /** Number of keys waiting. */
  get length(): number {
    return this.queue.length;
  }

  /** Stops handing out keys; pending `get()` calls resolve undefined. */
  close(): void {
    this.closed = true;
    for (const t of this.delayed.values()) clearTimeout(t);
    this.delayed.clear();
    this.wake(true);
  }

  /**
   * Rests `key` until `until`. Rests of keys never added again (a deleted deployment) would stay forever, so expired
   * ones are swept whenever the map has doubled since the last sweep: amortized O(1), bounded by the live keys.
   */
  private rest(key: string, until: number): void {
    this.notBefore.set(key, until);
    if (this.notBefore.size < 2 * this.sweptSize) return;
    const now = Date.now();
    for (const [k, at] of this.notBefore) if (at <= now) this.notBefore.delete(k);
    this.sweptSize = Math.max(64, this.notBefore.size);
  }

  /** Ms until `key` may be handed out again (0: now). */
  private restLeft(key: string): number {
    const at = this.notBefore.get(key);
    if (at === undefined) return 0;
    const left = at - Date.now();
    if (left <= 0) this.notBefore.delete(key);
    return Math.max(0, Math.ceil(left));
  }

  private wake(all = false): void {
    const ws = all ? this.waiters.splice(0) : this.waiters.splice(0, 1);
    for (const w of ws) w();
  }
}
