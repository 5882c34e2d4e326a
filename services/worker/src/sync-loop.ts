/**
 * The assignment sync loop: syncs at start, every `periodMs`, and soon after a kick (an assign hint, or an
 * orphan grace ending). Kicks are debounced and coalesced; one sync runs at a time. A failed sync is retried
 * after a short backoff (`retryMs`, doubling up to 1 s or the period if shorter; a random half to all of it), not a
 * whole period later (a node back from a partition keeps its TCP connection, so no reconnect tells it to look
 * again), and a reconnect to the bus abandons a sync still waiting for its reply and syncs again at once: a request
 * sent just before a disconnect is lost with the connection, and waiting out its timeout kept orphans running for
 * seconds.
 */
import type { Logger } from "@tug/log";
import type { Runnable } from "@tug/runtime";

/** Longest wait between two attempts while syncs fail (one small request a second from a cut-off node). */
export const MAX_RETRY_MS = 1_000;

/** Options of the loop. */
export interface SyncLoopOptions {
  periodMs: number;
  /** Delay after a hint before syncing (coalesces bursts of hints). */
  debounceMs?: number;
  /** First retry delay after a failed sync; doubles per failure up to `MAX_RETRY_MS` or `periodMs` (default 200 ms). */
  retryMs?: number;
  /**
   * One sync; may ask to be run again in `recheckInMs`. Throwing is logged and changes nothing. `current()` turns
   * false once the loop has abandoned this attempt (after a reconnect): the sync must then apply nothing.
   */
  sync: (current: () => boolean) => Promise<{ recheckInMs?: number } | void>;
  log: Logger;
}

/** Level-triggered assignment sync. */
export class SyncLoop implements Runnable {
  readonly name = "assignment-sync";
  private dueAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private abandon: (() => void) | undefined;
  private attempt = 0;
  private failures = 0;

  constructor(private readonly o: SyncLoopOptions) {}

  /** Asks for a sync within `delayMs` (default: the debounce). */
  kick(delayMs = this.o.debounceMs ?? 50): void {
    const at = Date.now() + delayMs;
    if (at < this.dueAt) {
      this.dueAt = at;
      this.arm();
    }
  }

  /** The bus reconnected: a sync waiting for its reply is abandoned (its request died with the connection). */
  reconnected(): void {
    this.dueAt = Math.min(this.dueAt, Date.now());
    if (this.abandon) this.abandon();
    else this.arm();
  }

  async run(signal: AbortSignal): Promise<void> {
    const onAbort = () => this.wake?.();
    signal.addEventListener("abort", onAbort, { once: true });
    while (!signal.aborted) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.arm();
      });
      if (signal.aborted) break;
      this.dueAt = Number.POSITIVE_INFINITY;
      let recheck: number | undefined;
      try {
        recheck = await this.once();
        if (this.failures) this.o.log.info({ after: this.failures }, "assignment sync recovered");
        this.failures = 0;
        this.dueAt = Math.min(this.dueAt, Date.now() + this.o.periodMs);
      } catch (err) {
        this.failures++;
        const log =
          this.failures === 1 || this.failures % 10 === 0
            ? this.o.log.warn.bind(this.o.log)
            : this.o.log.debug.bind(this.o.log);
        log(
          { err: String((err as Error)?.message ?? err), failures: this.failures },
          "assignment sync failed; keeping every replica as it is",
        );
        const cap = Math.min(this.o.periodMs, MAX_RETRY_MS);
        const backoff = Math.min(cap, (this.o.retryMs ?? 200) * 2 ** Math.min(this.failures - 1, 16));
        // half of it at random: thousands of nodes whose syncs failed together do not all retry together
        this.dueAt = Math.min(this.dueAt, Date.now() + Math.round(backoff * (0.5 + Math.random() * 0.5)));
      }
      if (recheck !== undefined) this.kick(recheck);
    }
    clearTimeout(this.timer);
  }

  /** One attempt, raced against a reconnect; resolves to the requested recheck delay. */
  private async once(): Promise<number | undefined> {
    const attempt = ++this.attempt;
    const abandoned = new Promise<never>((_, reject) => {
      this.abandon = () => reject(new Error("sync abandoned: the bus reconnected while it waited for a reply"));
    });
    try {
      const r = await Promise.race([
        this.o.sync(() => attempt === this.attempt && this.abandon !== undefined),
        abandoned,
      ]);
      return r ? r.recheckInMs : undefined;
    } finally {
      this.abandon = undefined;
      abandoned.catch(() => {});
    }
  }

  private arm(): void {
    clearTimeout(this.timer);
    if (!Number.isFinite(this.dueAt)) return;
    this.timer = setTimeout(() => this.wake?.(), Math.max(0, this.dueAt - Date.now()));
  }
}
