/**
 * A request outlives its sender's wait when its handler is slow (a SIGSTOPped or starved process, a store that
 * answers late): the sender has given up, may have sent it again and moved on to its next change, and a write made
 * now would land after that change and undo it. So the handling of a request remembers when its sender stops waiting
 * (the envelope's `ttlMs`, counted on this process's monotonic clock from receipt: no clock of another machine is
 * trusted) and the store refuses a write past that moment with TIMEOUT.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { performance } from "node:perf_hooks";
import { TugError } from "./errors.js";

const expiresAt = new AsyncLocalStorage<number>();

/**
 * Runs `handle` as the handling of a request whose sender waits `ttlMs` from `receivedAt` (this process's
 * `performance.now()` when the request arrived; default now), undefined `ttlMs`: no bound.
 */
export function handlingRequest<T>(ttlMs: number | undefined, handle: () => T, receivedAt = performance.now()): T {
  return ttlMs ? expiresAt.run(receivedAt + ttlMs, handle) : handle();
}

/** True when a request received at `receivedAt` (`performance.now()`) with `ttlMs` has outlived its sender's wait. */
export function requestExpired(ttlMs: number | undefined, receivedAt: number, now = performance.now()): boolean {
  return ttlMs !== undefined && now > receivedAt + ttlMs;
}

/**
 * The wall-clock ms (`Date.now()` scale) at which the request being handled outlives its sender's wait, for a check
 * by another machine's clock (the store passes it to its write scripts, which Redis runs by its own clock); 0 when
 * no request is being handled.
 */
export function requestDeadlineWallMs(): number {
  const at = expiresAt.getStore();
  return at === undefined ? 0 : Math.ceil(Date.now() + (at - performance.now()));
}

/** Throws TIMEOUT when the request being handled (if any) has outlived its sender's wait. */
export function assertRequestLive(): void {
  const at = expiresAt.getStore();
  if (at !== undefined && performance.now() > at)
    throw new TugError("TIMEOUT", "the request outlived its sender's wait; not applied (the sender may send it again)");
}
