/**
 * The endpoint rule: which replicas of a deployment receive traffic. A replica is an endpoint when it should run,
 * reports ready, has a host port, and is bound to a node that is Ready. Its host is the node address it reported.
 */
import type { NodeRecord, ReplicaRecord } from "./model.js";

/** One live endpoint of a service, as the HTTP API shows it. */
export interface Endpoint {
  host: string;
  port: number;
  replica: string;
  node: string;
  ready: boolean;
}

/** True when `r` takes traffic given the node table `nodes` (keyed by node id). */
export function isEndpoint(r: ReplicaRecord, nodes: ReadonlyMap<string, NodeRecord>): boolean {
  if (r.desired !== "run" || !r.ready || !r.hostPort || !r.node) return false;
  return nodes.get(r.node)?.status === "Ready";
}

/** The endpoints among `replicas`, sorted by replica id for stable output; `nodes` as a list or keyed by id. */
export function endpointsOf(
  replicas: readonly ReplicaRecord[],
  nodes: readonly NodeRecord[] | ReadonlyMap<string, NodeRecord>,
): Endpoint[] {
  const byId = "get" in nodes ? nodes : new Map(nodes.map((n) => [n.id, n]));
  return replicas
    .filter((r) => isEndpoint(r, byId))
    .map((r) => ({
      host: r.host ?? byId.get(r.node!)!.address,
      port: r.hostPort!,
      replica: r.id,
      node: r.node!,
      ready: true,
    }))
    .sort((a, b) => a.replica.localeCompare(b.replica));
}
