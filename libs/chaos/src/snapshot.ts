/** One consistent-enough read of the cluster's truth in Redis: deployments, replicas and nodes. */
import type { DeploymentRecord, NodeRecord, ReplicaRecord } from "@tug/contracts";
import type { RedisStore } from "@tug/state";

/** What the invariant checks look at. */
export interface Snapshot {
  at: number;
  deployments: Map<string, DeploymentRecord>;
  replicas: ReplicaRecord[];
  nodes: NodeRecord[];
}

/** Reads a snapshot; rejects (STORE_UNAVAILABLE) while Redis is down. */
export async function readSnapshot(store: RedisStore): Promise<Snapshot> {
  const [deployments, replicas, nodes] = await Promise.all([store.deployments(), store.replicas(), store.nodes()]);
  return { at: Date.now(), deployments: new Map(deployments.map((d) => [d.id, d])), replicas, nodes };
}
