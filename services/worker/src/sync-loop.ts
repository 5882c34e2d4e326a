/**
 * The assignment sync loop: syncs at start, every `periodMs`, and soon after a kick (an assign hint, or an
 * orphan grace ending). Kicks are debounced and coalesced; one sync runs at a time.
 */
import type { Logger } from "@tug/log";
import type { Runnable } from "@tug/runtime";

/** Options of the loop. */
export interface SyncLoopOptions {
  periodMs: number;
  /** Delay after a hint before syncing (coalesces bursts of hints). */
  debounceMs?: number;
  /** One sync; may ask to be run again in `recheckInMs`. Throwing is logged and changes nothing. */
  sync: () => Promise<{ recheckInMs?: number } | void>;
  log: Logger;
}

/** Level-triggered assignment sync. */
export class SyncLoop implements Runnable {
  readonly name = "assignment-sync";
  private dueAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
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
        const r = await this.o.sync();
        recheck = r ? r.recheckInMs : undefined;
        if (this.failures) this.o.log.info({ after: this.failures }, "assignment sync recovered");
        this.failures = 0;
      } catch (err) {
        this.failures++;
        const log = this.failures === 1 || this.failures % 10 === 0 ? this.o.log.warn.bind(this.o.log) : this.o.log.debug.bind(this.o.log);
        log({ err: String((err as Error)?.message ?? err), failures: this.failures }, "assignment sync failed; keeping every replica as it is");
      }
      this.dueAt = Math.min(this.dueAt, Date.now() + this.o.periodMs);
      if (recheck !== undefined) this.kick(recheck);
    }
    clearTimeout(this.timer);
  }

  private arm(): void {
    clearTimeout(this.timer);
    if (!Number.isFinite(this.dueAt)) return;
    this.timer = setTimeout(() => this.wake?.(), Math.max(0, this.dueAt - Date.now()));
  }
}
