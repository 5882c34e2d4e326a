/**
 * "No replica runs where it is not bound": watches every node's status reports and flags a replica reported
 * Running by a node other than the one Redis binds it to (or with no record left) for longer than `limitMs` of
 * continuous observation. A gap in observation (worker paused, NATS or Redis down) restarts the clock, and so does
 * a moment with no sync server (no health-monitor heartbeat) or a report saying the worker's last answered sync is
 * older than SYNC_STALE_MS: the worker can only stop an orphan once it can sync, and static stability keeps replicas
 * running through outages. (A worker whose NATS server is cut off from the others keeps reporting to the clients of
 * that server, the checker among them, while no sync of it gets an answer from the majority's state.)
 */
import { type StatusReport, statusSchema } from "@tug/contracts";
import type { Snapshot } from "./snapshot.js";
import type { ViolationBook } from "./violations.js";

/** Observations further apart than this are not continuous. */
const MAX_GAP_MS = 1_500;
/** A worker whose last answered sync is older than this (its sync period is 2 s) cannot be expected to act. */
const SYNC_STALE_MS = 3_000;
/** A snapshot older than this is too stale to judge a binding. */
const MAX_SNAPSHOT_AGE_MS = 1_000;

/** Tracks replicas reported Running away from their binding. */
export class OrphanWatch {
  private readonly seen = new Map<string, { first: number; last: number }>();
  /** node → the last full report of its worker instance (what an `unchanged` report with its digest repeats). */
  private readonly full = new Map<string, StatusReport>();

  /** @param canSync whether a worker's sync request could be answered at `now` (a health-monitor is up). */
  constructor(
    private readonly limitMs: number,
    private readonly book: ViolationBook,
    private readonly snapshot: () => Snapshot | undefined,
    private readonly canSync: (now: number) => boolean = () => true,
  ) {}

  /** Feeds one status report body (as published on `node.<id>.status`); malformed bodies are ignored. */
  observe(body: unknown, now = Date.now()): void {
    const r = statusSchema.safeParse(body);
    const s = this.snapshot();
    if (!r.success) return;
    const replicas = this.replicasOf(r.data);
    if (!replicas || !s || now - s.at > MAX_SNAPSHOT_AGE_MS) return;
    const bound = new Map(s.replicas.map((x) => [x.id, x.node]));
    for (const rep of replicas) {
      if (rep.phase !== "Running") continue;
      const key = `${r.data.node}/${rep.id}`;
      const node = bound.get(rep.id);
      if (node === r.data.node) {
        this.seen.delete(key);
        continue;
      }
      const e = this.seen.get(key);
      const stale = (r.data.sinceSyncMs ?? 0) > SYNC_STALE_MS;
      if (!e || now - e.last > MAX_GAP_MS || !this.canSync(now) || stale) this.seen.set(key, { first: now, last: now });
      else {
        e.last = now;
        if (e.last - e.first > this.limitMs) {
          this.book.add(
            "replica-elsewhere",
            rep.id,
            `reported Running by ${r.data.node} for ${((e.last - e.first) / 1000).toFixed(1)} s while ` +
              `${node ? `bound to ${node}` : "it has no record"}`,
            now,
          );
        }
      }
    }
    for (const [k, e] of this.seen) if (now - e.last > 10_000) this.seen.delete(k);
  }

  /** The replicas a report states: its own, or, if `unchanged`, those of the full report it repeats (if seen). */
  private replicasOf(r: StatusReport): StatusReport["replicas"] | undefined {
    if (!r.unchanged) {
      this.full.set(r.node, r);
      return r.replicas;
    }
    const f = this.full.get(r.node);
    return f && f.instance === r.instance && f.digest === r.digest ? f.replicas : undefined;
  }
}
