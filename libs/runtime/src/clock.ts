/** Time, injectable for tests. */
export interface Clock {
  now(): number;
}
/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** Resolves after `ms`, or early (without error) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Capped exponential backoff: base·2^attempt, at most `cap`, with ±20 % jitter. */
export function backoff(attempt: number, baseMs: number, capMs: number): number {
  const raw = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(raw * (0.8 + Math.random() * 0.4));
}

/**
 * Calls `f` until it resolves, every `everyMs`, for at most `withinMs`; resolves with its result, or rejects with its
 * last error once another try would start past the deadline.
 */
export async function retryFor<T>(f: () => Promise<T>, withinMs: number, everyMs: number): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await f();
    } catch (err) {
      if (Date.now() + everyMs > deadline) throw err;
      await sleep(everyMs);
    }
  }
}

/** Resolves when `signal` aborts (for Runnables that only set up subscriptions). */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
}
