/**
 * What keeps the controller's periodic resync from re-reading settled deployments. A pass that finds a deployment
 * settled (nothing to do, nothing in progress) records the digest of its state taken before the pass read it
 * (`RedisStore.deploymentDigest`: the deployment, its replicas, their nodes' status); the resync asks Redis for the
 * current digests of those deployments and reconciles only the ones whose digest changed, plus every one not
 * recorded. A change whose hint was lost still changes the digest, so the resync keeps its guarantee (a lost hint
 * costs latency, never correctness) at the cost of one script per settled deployment instead of reading all its
 * replicas. A failed digest read counts as changed.
 */
import type { Logger } from "@tug/log";

/** Digests of the deployments found settled, by id. */
export class SettledDigests {
  private readonly digests = new Map<string, string>();

  constructor(
    private readonly digestOf: (id: string) => Promise<string>,
    private readonly log: Pick<Logger, "warn">,
  ) {}

  /** A pass found `id` settled; `digest` was taken before it read. */
  record(id: string, digest: string): void {
    this.digests.set(id, digest);
  }

  /** `id` is in progress, acted on, or gone: the next resync reconciles it. */
  forget(id: string): void {
    this.digests.delete(id);
  }

  /** Of `ids`, those a resync must reconcile: not recorded, or their digest changed (also forgets the gone ones). */
  async changed(ids: readonly string[]): Promise<string[]> {
    const listed = new Set(ids);
    for (const id of this.digests.keys()) if (!listed.has(id)) this.digests.delete(id);
    const same = await Promise.all(
      ids.map(async (id) => {
        const recorded = this.digests.get(id);
        if (recorded === undefined) return false;
        try {
          return (await this.digestOf(id)) === recorded;
        } catch (err) {
          this.log.warn({ deployment: id, err: String((err as Error)?.message ?? err) }, "digest read failed");
          return false;
        }
      }),
    );
    return ids.filter((_, i) => !same[i]);
  }
}
