/**
 * Durable acknowledgements on a replicated primary: after a write, `WAIT n timeout` until `n` replicas have it. A
 * write that fewer replicas confirmed may still be lost by a failover, so it is reported as STORE_UNAVAILABLE
 * (retryable; the write may or may not have taken effect, and every transition is safe to repeat).
 */
import { TugError } from "@tug/contracts";
import type { Redis } from "ioredis";

/** Waits until `replicas` replicas hold every write this connection made; throws STORE_UNAVAILABLE otherwise. */
export async function confirmReplicated(redis: Redis, replicas: number, timeoutMs: number): Promise<void> {
  if (replicas <= 0) return;
  let got: number;
  try {
    got = Number(await redis.call("WAIT", replicas, timeoutMs));
  } catch (err) {
    throw new TugError(
      "STORE_UNAVAILABLE",
      `the write could not be confirmed by the replicas: ${(err as Error).message}`,
      undefined,
      { cause: err },
    );
  }
  if (got < replicas) {
    throw new TugError(
      "STORE_UNAVAILABLE",
      `the write reached ${got} of the ${replicas} replica(s) it needs within ${timeoutMs} ms; ` +
        "it may or may not have taken effect: retry",
    );
  }
}
