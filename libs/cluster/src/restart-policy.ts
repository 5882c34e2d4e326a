/** When to restart a child that exited unexpectedly: capped doubling backoff, forgotten after a long enough run. */
import { backoff } from "@tug/runtime";

/** Backoff settings (defaults: 200 ms doubling, capped at 5 s, reset after 30 s up). */
export interface RestartPolicyOptions {
  baseMs?: number;
  capMs?: number;
  resetAfterMs?: number;
}

/** Tracks consecutive crashes of one child and turns them into restart delays. */
export class RestartPolicy {
  private attempt = 0;
  private readonly baseMs: number;
  private readonly capMs: number;
  private readonly resetAfterMs: number;

  constructor(o: RestartPolicyOptions = {}) {
    this.baseMs = positive(o.baseMs ?? 200, "baseMs");
    this.capMs = positive(o.capMs ?? 5_000, "capMs");
    this.resetAfterMs = positive(o.resetAfterMs ?? 30_000, "resetAfterMs");
  }

  /** The delay before the next restart of a child that ran for `upMs` before exiting. */
  nextDelay(upMs: number): number {
    if (upMs >= this.resetAfterMs) this.attempt = 0;
    return backoff(this.attempt++, this.baseMs, this.capMs);
  }

  /** Forgets past crashes (after a deliberate restart). */
  reset(): void {
    this.attempt = 0;
  }
}

function positive(n: number, what: string): number {
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${what} must be a positive number, got ${n}`);
  return n;
}
