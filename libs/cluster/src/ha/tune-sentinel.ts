/**
 * Sets a Sentinel's internal periods (SENTINEL_PERIODS_MS) once it answers, after each start of it: they are not
 * config-file settings, so a restarted Sentinel has its defaults until this runs.
 */
import { retryFor } from "@tug/runtime";
import { setSentinelPeriods } from "@tug/state";
import { SENTINEL_PERIODS_MS } from "./settings.js";

/** How long a started Sentinel may take to answer before the tuning gives up (noted in its log). */
const TUNE_WITHIN_MS = 10_000;

/**
 * Tries every 100 ms, for at most TUNE_WITHIN_MS, to set the periods of the Sentinel at `host`:`port`; `password` is
 * read at each try (it may have been rotated). Notes the outcome with `note`; rejects when it never succeeded.
 */
export async function tuneSentinel(
  host: string,
  port: number,
  password: () => string | undefined,
  note: (line: string) => void,
): Promise<void> {
  const tune = () => setSentinelPeriods(host, port, SENTINEL_PERIODS_MS, password());
  await retryFor(tune, TUNE_WITHIN_MS, 100).catch((err: unknown) => {
    throw new Error(`the Sentinel's periods were not set within ${TUNE_WITHIN_MS} ms: ${String(err)}`);
  });
  note(`periods set: ${JSON.stringify(SENTINEL_PERIODS_MS)}`);
}
