/**
 * A test knob shared by the leased and racing roles: hold a decision for a while between making it and writing it,
 * so that a system test can pause the process exactly while it holds a plan made from state that then moves on
 * (the stale-leader case every write's fencing must defeat). Off (0) in production.
 */
import type { Logger } from "@tug/log";
import { sleep } from "./clock.js";

/** Logs `msg` with `fields` (the plan held) and waits `ms`; does nothing when `ms` is 0 or unset. */
export async function holdDecision(
  log: Logger,
  ms: number | undefined,
  fields: Record<string, unknown>,
  msg: string,
): Promise<void> {
  if (!ms) return;
  log.info({ ...fields, holdMs: ms }, msg);
  await sleep(ms);
}
