/**
 * When the controller first saw each replica Running (in memory). The unready threshold counts from there, not from
 * the record's creation, so a slow schedule or container start is not mistaken for a failing readiness probe. A
 * restarted controller starts the clocks afresh: that only delays a verdict, never makes a wrong one.
 */
import type { ReplicaRecord } from "@tug/contracts";

/** First-seen-Running times per replica id. */
export class RunningClock {
  private readonly since = new Map<string, number>();

  /** Records `replicas` of one deployment as seen at `now`; returns their Running-since times. */
  observe(replicas: readonly ReplicaRecord[], now: number): ReadonlyMap<string, number> {
    const out = new Map<string, number>();
    for (const r of replicas) {
      if (r.phase !== "Running") {
        this.since.delete(r.id);
        continue;
      }
      const t = this.since.get(r.id) ?? now;
      this.since.set(r.id, t);
      out.set(r.id, t);
    }
    return out;
  }

  /** Forgets replicas that no longer exist (call with every live id now and then). */
  retain(ids: ReadonlySet<string>): void {
    for (const id of this.since.keys()) if (!ids.has(id)) this.since.delete(id);
  }
}
