/**
 * What the workload was told: the last ACKNOWLEDGED desired state of every deployment (replicas, revision), which
 * deployments have a change in flight or an unacknowledged (ambiguous) one, and the desired counts a deployment
 * may have had recently (including values of changes that were sent but not acknowledged).
 */

/** Last acknowledged desired state of one deployment. */
export interface Acked {
  replicas: number;
  revision: number;
  at: number;
  /** The acknowledged change was a delete: the deployment must be gone. */
  deleted?: boolean;
}

interface Entry {
  acked?: Acked;
  /** A request is in flight, or the last one failed without an answer: Redis may hold either value. */
  uncertain: boolean;
  /** Bumped on every begin/ack/fail: a check that saw the same epoch before and after its read is consistent. */
  epoch: number;
  /**
   * Every change sent, oldest first: when, the desired count it asks for, and when it was acknowledged. A change is
   * written at some moment between its send and its ack (or never), so the value before it stays possible until then.
   */
  desired: Array<{ at: number; replicas: number; ackedAt?: number; refused?: boolean }>;
  /**
   * Several clients race on it (the workload's shared deployment): no change is "the last one", so its state stays
   * uncertain for the continuous checks (the history check judges it at the end) and its count bound is the largest
   * count it was ever asked for.
   */
  contended?: { maxReplicas: number };
}

/** The workload's book of acknowledged changes. */
export class AckLedger {
  private readonly entries = new Map<string, Entry>();

  private entry(id: string): Entry {
    let e = this.entries.get(id);
    if (!e) this.entries.set(id, (e = { uncertain: false, epoch: 0, desired: [] }));
    return e;
  }

  /** A change to `id` is about to be sent; `replicas` is the desired count it asks for. */
  begin(id: string, replicas: number, now = Date.now()): void {
    const e = this.entry(id);
    e.uncertain = true;
    e.epoch++;
    e.desired.push({ at: now, replicas });
  }

  /** A change to `id` by one of several clients racing on it is about to be sent (see Entry.contended). */
  beginContended(id: string, replicas: number): void {
    const e = this.entry(id);
    e.contended = { maxReplicas: Math.max(e.contended?.maxReplicas ?? 0, replicas) };
    e.uncertain = true;
    e.epoch++;
  }

  /** The change was acknowledged with this state (`deleted`: it was a delete, acknowledged with `replicas` 0). */
  ack(id: string, replicas: number, revision: number, now = Date.now(), deleted = false): void {
    const e = this.entry(id);
    e.acked = { replicas, revision, at: now, ...(deleted ? { deleted } : {}) };
    e.uncertain = e.contended !== undefined;
    e.epoch++;
    const last = e.desired[e.desired.length - 1];
    if (last && last.ackedAt === undefined) last.ackedAt = now;
  }

  /** The change failed in a way that leaves it unknown whether it was applied. */
  fail(id: string): void {
    const e = this.entry(id);
    e.uncertain = true;
    e.epoch++;
  }

  /** The change was refused for sure (e.g. a validation error): nothing changed. */
  refused(id: string): void {
    const e = this.entry(id);
    e.epoch++;
    const last = e.desired[e.desired.length - 1];
    if (last && last.ackedAt === undefined) last.refused = true;
  }

  /** Deployment ids the workload has touched. */
  ids(): string[] {
    return [...this.entries.keys()].sort();
  }

  /** Last acknowledged state of `id`, if any. */
  acked(id: string): Acked | undefined {
    return this.entries.get(id)?.acked;
  }

  /** True while Redis may legitimately differ from the last ack. */
  uncertain(id: string): boolean {
    return this.entries.get(id)?.uncertain ?? false;
  }

  /** True when several clients race on `id` (beginContended). */
  contended(id: string): boolean {
    return this.entries.get(id)?.contended !== undefined;
  }

  /** Epoch of `id` (compare before/after a read). */
  epoch(id: string): number {
    return this.entries.get(id)?.epoch ?? 0;
  }

  /**
   * The largest desired count `id` may have had in [now - windowMs, now]: a value counts from its send until a later
   * change was acknowledged (a change in flight, or one that was never answered, may be written at any moment; until a
   * later ack proves otherwise the earlier value may still be in force). A refused change never was. A value
   * superseded before `actorUpSince` (when whoever must act on it came back) counts as superseded then.
   */
  maxDesiredSince(id: string, windowMs: number, now = Date.now(), actorUpSince = Number.NEGATIVE_INFINITY): number {
    const contended = this.entries.get(id)?.contended;
    if (contended) return contended.maxReplicas;
    const list = this.entries.get(id)?.desired ?? [];
    const from = now - windowMs;
    let max = 0;
    let supersededAt: number | undefined; // the first ack after entry i, walking from the newest
    for (let i = list.length - 1; i >= 0; i--) {
      const d = list[i]!;
      if (!d.refused && (supersededAt === undefined || Math.max(supersededAt, actorUpSince) >= from))
        max = Math.max(max, d.replicas);
      if (d.ackedAt !== undefined) supersededAt = d.ackedAt;
    }
    // the acked count is in force too (a change sent long ago stays the desired count)
    const a = this.entries.get(id)?.acked;
    return Math.max(max, a?.replicas ?? 0);
  }

  /**
   * Drops changes superseded by an ack older than `keepMs` (bounded memory; what may still be in force stays). Nothing
   * is dropped while whoever must act on a change has been up for less than `keepMs` (`actorUpSince`): a scale-down
   * acknowledged while the controller or Redis was down leaves its surplus running until they are back, so the count
   * it superseded stays allowed (maxDesiredSince) however long the outage was. CI saw a 6 → 2 → 4 pair of scales
   * acknowledged just before a 20 s Redis outage: the 6 was dropped during it, and the 6 replicas still running when
   * Redis came back were reported as too many.
   */
  prune(keepMs: number, now = Date.now(), actorUpSince = Number.NEGATIVE_INFINITY): void {
    if (actorUpSince >= now - keepMs) return;
    for (const e of this.entries.values()) {
      const from = now - keepMs;
      // the newest change acknowledged before `from`: everything older than it was superseded before the window
      let k = -1;
      for (let i = e.desired.length - 1; i >= 0; i--) {
        const at = e.desired[i]!.ackedAt;
        if (at !== undefined && at < from) {
          k = i;
          break;
        }
      }
      if (k > 0) e.desired.splice(0, k);
    }
  }
}
