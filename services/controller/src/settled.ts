/**
 * What keeps the controller's periodic resync from re-reading settled deployments. A pass that finds a deployment
 * settled (nothing to do, nothing in progress) records the deployment's change stamp taken before the pass read it
 * (`RedisStore.deploymentStamps`: every script that changes the deployment, its replicas or their nodes' status
 * stamps it anew, in the same script); the resync reads the current stamps of every deployment in one call and
 * reconciles only the ones whose stamp moved, plus every one not recorded. A change whose hint was lost still moves
 * the stamp, so the resync keeps its guarantee (a lost hint costs latency, never correctness) at the cost of one
 * field per deployment, however many replicas they have. Every `deepMs` the resync reconciles every deployment
 * regardless: the guard against a write that forgot its stamp (a bug), as the proxy's deep resync is for its cache.
 * An unreadable stamp counts as moved.
 */
import type { Logger } from "@tug/log";

/** How often the resync reconciles every deployment, settled or not (ms). */
export const DEEP_RECONCILE_MS = 300_000;

/** Stamps of the deployments found settled, by id. */
export class SettledStamps {
  private readonly stamps = new Map<string, string>();
  private deepAt: number;

  constructor(
    private readonly stampsOf: (ids: readonly string[]) => Promise<string[]>,
    private readonly log: Pick<Logger, "warn">,
    private readonly deepMs = DEEP_RECONCILE_MS,
    now = Date.now(),
  ) {
    this.deepAt = now + deepMs;
  }

  /** A pass found `id` settled; `stamp` was taken before it read. */
  record(id: string, stamp: string): void {
    this.stamps.set(id, stamp);
  }

  /** `id` is in progress, acted on, or gone: the next resync reconciles it. */
  forget(id: string): void {
    this.stamps.delete(id);
  }

  /** Of `ids`, those a resync must reconcile: not recorded, or their stamp moved (also forgets the gone ones). */
  async changed(ids: readonly string[], now = Date.now()): Promise<string[]> {
    const listed = new Set(ids);
    for (const id of this.stamps.keys()) if (!listed.has(id)) this.stamps.delete(id);
    if (now >= this.deepAt) {
      this.deepAt = now + this.deepMs;
      this.stamps.clear();
      return [...ids];
    }
    const recorded = ids.filter((id) => this.stamps.has(id));
    let current: string[];
    try {
      current = await this.stampsOf(recorded);
    } catch (err) {
      this.log.warn({ err: String((err as Error)?.message ?? err) }, "stamps read failed");
      return [...ids];
    }
    const same = new Set(recorded.filter((id, i) => current[i] === this.stamps.get(id)));
    return ids.filter((id) => !same.has(id));
  }
}
