/** One consistent-enough read of the cluster's truth in Redis: deployments, replicas and nodes. */
import { type DeploymentRecord, type NodeRecord, type ReplicaRecord, TugError } from "@tug/contracts";
import type { RedisStore } from "@tug/state";

/** What the invariant checks look at. */
export interface Snapshot {
  at: number;
  deployments: Map<string, DeploymentRecord>;
  replicas: ReplicaRecord[];
  nodes: NodeRecord[];
}

/**
 * Reads a snapshot; rejects (STORE_UNAVAILABLE) while Redis is down, and, with Sentinels, when the server read from
 * is not the primary they name once the read is done: a deposed primary cut off in a minority still answers reads
 * with the state of before the failover, which no check may take for the truth.
 */
export async function readSnapshot(store: RedisStore): Promise<Snapshot> {
  const [deployments, replicas, nodes] = await Promise.all([store.deployments(), store.replicas(), store.nodes()]);
  const at = Date.now();
  if (!(await store.onPrimary()))
    throw new TugError("STORE_UNAVAILABLE", "read from a server the Sentinels do not name primary (now)");
  return { at, deployments: new Map(deployments.map((d) => [d.id, d])), replicas, nodes };
}
