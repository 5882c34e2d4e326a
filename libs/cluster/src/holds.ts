/**
 * Restart holds: `<dataDir>/holds/<component>` holds the time (epoch ms) before which the supervisor must not
 * restart that component. `tug chaos kill-node` writes one before it kills a worker, so the "machine" stays away
 * long enough to be declared lost, then comes back. Holds are capped at one hour and removed with the cluster.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The longest hold honoured (ms). */
export const MAX_HOLD_MS = 3_600_000;

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

function holdPath(dataDir: string, name: string): string {
  if (!NAME.test(name)) throw new Error(`invalid component name ${JSON.stringify(name)}`);
  return join(dataDir, "holds", name);
}

/** Asks the supervisor not to restart `name` for `ms` from now. */
export function holdRestart(dataDir: string, name: string, ms: number, now = Date.now()): void {
  if (!(ms >= 0 && ms <= MAX_HOLD_MS)) throw new Error(`hold must be 0..${MAX_HOLD_MS} ms, got ${ms}`);
  mkdirSync(join(dataDir, "holds"), { recursive: true });
  writeFileSync(holdPath(dataDir, name), String(now + ms));
}

/** Lifts the hold on `name` (the supervisor restarts it within its poll period). */
export function releaseHold(dataDir: string, name: string): void {
  rmSync(holdPath(dataDir, name), { force: true });
}

/** Until when `name` is held (epoch ms), or 0; unreadable or absurd values count as no hold. */
export function heldUntil(dataDir: string, name: string, now = Date.now()): number {
  let until: number;
  try {
    until = Number(readFileSync(holdPath(dataDir, name), "utf8").trim());
  } catch {
    return 0;
  }
  if (!Number.isFinite(until) || until <= now) return 0;
  return Math.min(until, now + MAX_HOLD_MS);
}

/** Removes every hold of the cluster at `dataDir`. */
export function clearHolds(dataDir: string): void {
  rmSync(join(dataDir, "holds"), { recursive: true, force: true });
}
