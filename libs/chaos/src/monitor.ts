/** The continuous invariant checker: every `periodMs` a Redis snapshot through the checks, plus the status watch. */
import type { Bus } from "@tug/bus";
import { subjects } from "@tug/contracts";
import { sleep } from "@tug/runtime";
import type { RedisStore } from "@tug/state";
import type { ActorWatch } from "./actor.js";
import { AvailabilityWatch, type FaultWindows } from "./availability.js";
import { checkAcked, checkCapacity, checkSurge } from "./checks.js";
import type { AckLedger } from "./ledger.js";
import { OrphanWatch } from "./orphans.js";
import { Presence } from "./presence.js";
import { readSnapshot, type Snapshot } from "./snapshot.js";
import type { ViolationBook } from "./violations.js";

/** Window of the ready-count invariant: desired counts of the last 5 s are allowed. */
export const SURGE_WINDOW_MS = 5_000;

/** Counters of the checker. */
export interface MonitorStats {
  checks: number;
  /** Ticks skipped because Redis could not be read. */
  unreadable: number;
  statusReports: number;
}

/** Checks invariants until `signal` aborts; with `faults` (the run's fault windows) availability too. */
export async function monitor(o: {
  bus: Bus;
  store: RedisStore;
  ledger: AckLedger;
  book: ViolationBook;
  maxSurge: number;
  orphanLimitMs: number;
  periodMs?: number;
  signal: AbortSignal;
  faults?: FaultWindows;
  /** Whether the controller could act (runs, and Redis takes writes); run by the caller. */
  actor: ActorWatch;
}): Promise<MonitorStats> {
  const stats: MonitorStats = { checks: 0, unreadable: 0, statusReports: 0 };
  let latest: Snapshot | undefined;
  const availability = o.faults && new AvailabilityWatch(o.faults, o.book);
  const syncServer = new Presence();
  const orphans = new OrphanWatch(
    o.orphanLimitMs,
    o.book,
    () => latest,
    (now) => syncServer.up(now),
  );
  const syncBeats = o.bus.subscribe(subjects.componentHeartbeatOfRole("health-monitor"), () => syncServer.beat());
  const sub = o.bus.subscribe(subjects.nodeAny("status"), (env) => {
    stats.statusReports++;
    orphans.observe(env.body);
  });
  try {
    while (!o.signal.aborted) {
      const epochs = new Map(o.ledger.ids().map((id) => [id, o.ledger.epoch(id)]));
      try {
        const s = await readSnapshot(o.store);
        latest = s;
        checkAcked(s, o.ledger, epochs, o.book);
        checkSurge(s, o.ledger, o.maxSurge, SURGE_WINDOW_MS, o.book, o.actor.upSince(s.at));
        checkCapacity(s, o.book);
        availability?.check(s);
        stats.checks++;
      } catch {
        stats.unreadable++;
      }
      o.ledger.prune(4 * SURGE_WINDOW_MS, Date.now(), o.actor.upSince(Date.now()));
      await sleep(o.periodMs ?? 200, o.signal);
    }
  } finally {
    sub.unsubscribe();
    syncBeats.unsubscribe();
  }
  return stats;
}
