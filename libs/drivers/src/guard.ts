/** The disconnect guard a replica carries with it (RuntimeHandle.stopAfterSeconds), for every driver alike. */

/**
 * `{ stopAfterSeconds }` when there is one (a positive number: from the template's `disconnect`, or as recorded with
 * the replica), else nothing, so handles and records never hold an undefined key.
 */
export function carriedGuard(stopAfterSeconds: unknown): { stopAfterSeconds?: number } {
  const ok = typeof stopAfterSeconds === "number" && Number.isFinite(stopAfterSeconds) && stopAfterSeconds > 0;
  return ok ? { stopAfterSeconds } : {};
}
