/**
 * Restart policy, pure: what to do when a replica's process exits, and how long to wait before restarting it.
 * First restart immediate, then 250 ms doubling, capped at 10 s; reset after 60 s of clean running.
 */

/** What happens after an exit. */
export type ExitDecision = "restart" | "failed" | "succeeded";

/** Backoff constants (ms). */
export const RESTART_BACKOFF = { baseMs: 250, capMs: 10_000, resetAfterMs: 60_000 } as const;

/** Applies `policy` to an exit; `code` null (killed by a signal, or unknown) counts as a failure. */
export function decideOnExit(policy: "Always" | "OnFailure" | "Never", code: number | null): ExitDecision {
  const clean = code === 0;
  if (policy === "Always" || (policy === "OnFailure" && !clean)) return "restart";
  return clean ? "succeeded" : "failed";
}

/** Delay before the restart number `attempt` (1 = first restart in a row): 0, 250, 500, 1000 … ≤ 10 000 ms. */
export function restartDelayMs(attempt: number): number {
  if (attempt <= 1) return 0;
  return Math.min(RESTART_BACKOFF.capMs, RESTART_BACKOFF.baseMs * 2 ** Math.min(attempt - 2, 30));
}

/** Counts consecutive restarts; a run of at least 60 s starts the count again. */
export class RestartBackoff {
  private attempt = 0;

  /** Registers an exit after the process ran `ranMs`; returns the delay before restarting. */
  next(ranMs: number): number {
    if (ranMs >= RESTART_BACKOFF.resetAfterMs) this.attempt = 0;
    this.attempt++;
    return restartDelayMs(this.attempt);
  }

  /** Consecutive restarts so far. */
  get count(): number {
    return this.attempt;
  }
}
