/**
 * A de-duplicating work queue (client-go workqueue semantics): a key waits at most once; a key being processed
 * is never handed out twice at the same time; adding it while it is processed marks it dirty so it runs again.
 */
export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly delayed = new Map<string, NodeJS.Timeout>();
  private waiters: Array<() => void> = [];
  private closed = false;

  /** Enqueue `key` unless it already waits. */
  add(key: string): void {
    if (this.closed || this.dirty.has(key)) return;
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

  /** Marks `key` processed; if it was added meanwhile it is queued again. */
  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) {
      this.queue.push(key);
      this.wake();
    }
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

  private wake(all = false): void {
    const ws = all ? this.waiters.splice(0) : this.waiters.splice(0, 1);
    for (const w of ws) w();
  }
}
