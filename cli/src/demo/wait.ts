/** Bounded polling for the demos: wait until the cluster shows something, or give up with a clear TIMEOUT. */
import { TugError } from "@tug/contracts";
import { sleep } from "@tug/runtime";
import type { Narrator } from "./narrator.js";

const interrupt = new AbortController();

/** Ends every wait at once (Ctrl-C): the demo then cleans up what it created. */
export function interruptDemos(): void {
  interrupt.abort();
}

/** True once the demos were interrupted. */
export function interrupted(): boolean {
  return interrupt.signal.aborted;
}

/**
 * Calls `look` every `intervalMs` until it returns a value other than undefined, and returns that value. Retryable
 * errors (the API or NATS briefly away) count as "not yet". Throws TIMEOUT naming `what` after `timeoutMs`.
 */
export async function waitFor<T>(
  n: Narrator,
  what: string,
  timeoutMs: number,
  look: () => Promise<T | undefined>,
  intervalMs = 100,
): Promise<T> {
  const started = Date.now();
  let lastError = "";
  n.waiting(what);
  while (!interrupt.signal.aborted) {
    try {
      const v = await look();
      if (v !== undefined) return v;
    } catch (err) {
      if (!(err instanceof TugError && err.retryable)) throw err;
      lastError = `; last error: ${err.message}`;
    }
    const waited = Date.now() - started;
    if (waited >= timeoutMs)
      throw new TugError("TIMEOUT", `gave up after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${lastError}`);
    n.waiting(`${what} (${Math.floor(waited / 1000)} s)`);
    await sleep(intervalMs, interrupt.signal);
  }
  throw new Error(`interrupted while waiting for ${what}`);
}

/** Sleeps `ms` unless the demos are interrupted first. */
export async function pause(ms: number): Promise<void> {
  await sleep(ms, interrupt.signal);
}
