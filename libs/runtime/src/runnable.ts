import { sleep } from "./clock.js";

/** Everything long-lived in a process is a Runnable (controller-runtime's Runnable, in our words). */
export interface Runnable {
  readonly name: string;
  /** Resolves when `signal` aborts; rejects only on a fatal fault (the host then exits non-zero). */
  run(signal: AbortSignal): Promise<void>;
}

/**
 * A Runnable that repeats `tick` every `periodMs` (a number, or a function read before each wait) until aborted; a
 * failing tick is logged by `onError`, never fatal.
 */
export function periodic(
  name: string,
  periodMs: number | (() => number),
  tick: (signal: AbortSignal) => Promise<void>,
  onError: (err: unknown) => void,
): Runnable {
  return {
    name,
    async run(signal) {
      while (!signal.aborted) {
        try {
          await tick(signal);
        } catch (err) {
          onError(err);
        }
        await sleep(typeof periodMs === "number" ? periodMs : periodMs(), signal);
      }
    },
  };
}
