/**
 * What the last look at a waiting deployment read (its record, its replicas, their nodes), kept while it waits:
 * progressing, but its passes change nothing (replicas pending for room, starting, stopping). The controller looks
 * at such a deployment every few seconds for the verdicts that come with time (progress deadline, unready
 * threshold), and each look re-read every replica: a deployment with 1,000 replicas waiting for room cost 1,000
 * hash reads every 5 s while nothing changed. A look now reuses what was read whenever the deployment's change stamp
 * (`RedisStore.deploymentStamps`: every script that changes anything a pass reads stamps it anew) is the one taken
 * with it, and a read is kept only when the stamps taken before and after it agree, so a change during the read is
 * never hidden.
 */
import type { DeploymentRecord, NodeRecord, ReplicaRecord } from "@tug/contracts";

/** What one pass over a deployment reads. */
export interface DeploymentReads {
  dep: DeploymentRecord | undefined;
  replicas: ReplicaRecord[];
  nodes: NodeRecord[];
}

/** Deployment id → its last reads and the stamp they belong to. */
export class IdleReads {
  private readonly kept = new Map<string, { stamp: string; reads: DeploymentReads }>();

  /** The reads kept for `id`, if they belong to `stamp` (the deployment's stamp now). */
  get(id: string, stamp: string | undefined): DeploymentReads | undefined {
    const k = this.kept.get(id);
    return k && stamp !== undefined && k.stamp === stamp ? k.reads : undefined;
  }

  /** Keeps `reads` of `id`, taken between two stamps that were both `stamp`. */
  keep(id: string, stamp: string, reads: DeploymentReads): void {
    this.kept.set(id, { stamp, reads });
  }

  /** `id` acted, settled or is gone: its reads are stale or useless. */
  forget(id: string): void {
    this.kept.delete(id);
  }

  /** Forgets every deployment not in `ids` (call with every live id now and then). */
  retain(ids: ReadonlySet<string>): void {
    for (const id of this.kept.keys()) if (!ids.has(id)) this.kept.delete(id);
  }
}
