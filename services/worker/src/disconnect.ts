/**
 * `disconnect.stopAfterSeconds` on the worker's side: a clock of when the node last reached the cluster (a sync
 * answered: a round trip both ways), and a guard that stops the replicas asking for it once the node has been cut
 * off that long. The worker decides alone, from its own clock, because a cut-off node cannot be told anything.
 */
import { periodic, type Runnable } from "@tug/runtime";

/** When the node last reached the cluster. Counts from construction until the first answered sync. */
export class ContactClock {
  private last: number;
  constructor(private readonly now: () => number = Date.now) {
    this.last = now();
  }

  /** A sync was answered just now. */
  reached(): void {
    this.last = this.now();
  }

  /** Milliseconds since the cluster was last reached. */
  offlineMs(): number {
    return this.now() - this.last;
  }
}

/**
 * When to sync again so that a node in touch with the cluster never looks cut off: three syncs per shortest
 * `stopAfterSeconds` among its replicas (at least 100 ms apart). Undefined when none has one.
 */
export function contactRecheckMs(shortestStopAfterMs: number | undefined): number | undefined {
  return shortestStopAfterMs === undefined ? undefined : Math.max(100, Math.floor(shortestStopAfterMs / 3));
}

/** How often the guard looks at the clock (ms): a replica stops at most this late after its stopAfterSeconds. */
export const GUARD_PERIOD_MS = 200;

/** A periodic runnable that calls `stopCutOff(offlineMs)` (ReplicaManager.stopCutOff) every GUARD_PERIOD_MS. */
export function disconnectGuard(clock: ContactClock, stopCutOff: (offlineMs: number) => unknown): Runnable {
  return periodic(
    "disconnect-guard",
    GUARD_PERIOD_MS,
    async () => {
      stopCutOff(clock.offlineMs());
    },
    () => {},
  );
}
