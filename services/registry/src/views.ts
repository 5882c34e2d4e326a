/** Pure read models the HTTP API returns, computed from store records. */
import type { ClusterEvent, DeploymentRecord, NodeRecord, PortSpec, ReplicaRecord, Template } from "@tug/contracts";
import { type Endpoint, endpointsOf } from "@tug/contracts";

/** Body of `GET /v1/services/{ns}/{name}`. */
export interface ServiceView {
  name: string;
  namespace: string;
  endpoints: Endpoint[];
  /** The deployment's current revision (0 when only orphan replicas remain). */
  revision: number;
  /** Version of the endpoint set; pass it back as `index` to watch for changes. */
  index: number;
  /** The deployment's ports; those with `published` are served by the proxy on 127.0.0.1. */
  ports: PortSpec[];
}

/** Builds a service view from a deployment (if any), its replicas and the node table. */
export function serviceView(
  namespace: string,
  name: string,
  dep: DeploymentRecord | undefined,
  replicas: readonly ReplicaRecord[],
  nodes: readonly NodeRecord[],
  index: number,
): ServiceView {
  return {
    name,
    namespace,
    endpoints: endpointsOf(replicas, nodes),
    revision: dep?.revision ?? 0,
    index,
    ports: dep?.template.ports ?? [],
  };
}

/** Replica counts of one deployment: total, ready, and per revision. */
export interface ReplicaSummary {
  total: number;
  ready: number;
  byRevision: Record<string, { total: number; ready: number }>;
}

/** Counts replicas that are meant to run (retiring ones are left out). */
export function replicaSummary(replicas: readonly ReplicaRecord[]): ReplicaSummary {
  const s: ReplicaSummary = { total: 0, ready: 0, byRevision: {} };
  for (const r of replicas) {
    if (r.desired !== "run") continue;
    const rev = (s.byRevision[String(r.revision)] ??= { total: 0, ready: 0 });
    s.total++;
    rev.total++;
    if (r.ready) {
      s.ready++;
      rev.ready++;
    }
  }
  return s;
}

/** One entry of a deployment's revision history. */
export interface RevisionView {
  revision: number;
  current: boolean;
  image?: string;
  command?: string[];
  template: Template;
}

/** The revision history, newest first. */
export function revisionList(current: number, revs: ReadonlyMap<number, Template>): RevisionView[] {
  return [...revs.entries()]
    .sort(([a], [b]) => b - a)
    .map(([revision, template]) => ({
      revision,
      current: revision === current,
      image: template.image,
      command: template.command,
      template,
    }));
}

/** The last `limit` events about a deployment or any of its replicas. */
export function eventsAbout(
  id: string,
  replicaIds: readonly string[],
  events: readonly ClusterEvent[],
  limit = 20,
): ClusterEvent[] {
  const objects = new Set([id, ...replicaIds]);
  return events.filter((e) => objects.has(e.object)).slice(-limit);
}

/** A node with what is allocated on it. */
export interface NodeView extends NodeRecord {
  allocated: { cpuMillis: number; memoryBytes: number };
  replicas: number;
}

/** Adds allocated resources (sum of requests of the replicas bound to each node) and replica counts. */
export function nodeViews(nodes: readonly NodeRecord[], replicas: readonly ReplicaRecord[]): NodeView[] {
  const views = new Map(
    nodes.map((n) => [n.id, { ...n, allocated: { cpuMillis: 0, memoryBytes: 0 }, replicas: 0 } as NodeView]),
  );
  for (const r of replicas) {
    const v = r.node ? views.get(r.node) : undefined;
    if (!v) continue;
    v.allocated.cpuMillis += r.resources.cpuMillis;
    v.allocated.memoryBytes += r.resources.memoryBytes;
    v.replicas++;
  }
  return [...views.values()];
}
