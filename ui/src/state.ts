/** The dashboard's picture of the cluster: every object by id, kept current by applying ClusterDelta messages. */
import type {
  Changes,
  ClusterDelta,
  ClusterEvent,
  DeploymentRecord,
  NodeView,
  ReplicaRecord,
  ServiceView,
  TrafficFigure,
} from "@tug/contracts";

/** A service as the watch sends it: the service view with its `ns/name` id. */
export type ServiceItem = ServiceView & { id: string };

/** Everything the views draw from. */
export interface ClusterState {
  nodes: Map<string, NodeView>;
  replicas: Map<string, ReplicaRecord>;
  deployments: Map<string, DeploymentRecord>;
  services: Map<string, ServiceItem>;
  /** Newest last, at most EVENT_LIMIT. */
  events: ClusterEvent[];
  traffic: Record<string, TrafficFigure>;
}

/** Cluster events the dashboard keeps. */
export const EVENT_LIMIT = 200;

/** An empty picture (before the first message). */
export function emptyState(): ClusterState {
  return {
    nodes: new Map(),
    replicas: new Map(),
    deployments: new Map(),
    services: new Map(),
    events: [],
    traffic: {},
  };
}

function merge<T>(into: Map<string, T>, c: Changes<T>, idOf: (t: T) => string): Map<string, T> {
  if (c.upsert.length === 0 && c.remove.length === 0) return into;
  const next = new Map(into);
  for (const id of c.remove) next.delete(id);
  for (const item of c.upsert) next.set(idOf(item), item);
  return next;
}

/** The state after `d` (a full delta starts over); unchanged kinds keep their identity, so views skip them. */
export function applyDelta(s: ClusterState, d: ClusterDelta): ClusterState {
  const base = d.full ? emptyState() : s;
  return {
    nodes: merge(base.nodes, d.nodes, (n) => n.id),
    replicas: merge(base.replicas, d.replicas, (r) => r.id),
    deployments: merge(base.deployments, d.deployments, (x) => x.id),
    services: merge(base.services, d.services, (x) => x.id),
    events: d.events.length ? [...base.events, ...d.events].slice(-EVENT_LIMIT) : base.events,
    traffic: d.traffic ?? base.traffic,
  };
}
