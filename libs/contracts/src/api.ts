/**
 * Shapes of the registry HTTP API's answers (design.md §3), shared by the CLI and the dashboard, and the
 * `GET /v1/watch?view=cluster` stream's messages.
 */
import type { Template } from "./manifest.js";
import type { ClusterEvent, DeploymentRecord, NodeRecord, ReplicaRecord } from "./model.js";

/** A list answer. */
export interface List<T> {
  items: T[];
}

/** `GET /v1/services/{ns}/{name}`. */
export interface ServiceView {
  name: string;
  namespace: string;
  endpoints: Array<{ host: string; port: number; replica: string; node: string; ready: boolean }>;
  revision: number;
  index: number;
  /** Ports of the deployment; `published` ones are served by the proxy. */
  ports?: Array<{ name?: string; containerPort: number; published?: number; balance?: string }>;
}

/** One entry of a deployment's revision history, newest first. */
export interface RevisionEntry {
  revision: number;
  current: boolean;
  image?: string;
  command?: string[];
  template: Template;
}

/** `GET /v1/deployments/{ns}/{name}`. */
export interface DeploymentDetail {
  deployment: DeploymentRecord;
  revisions: RevisionEntry[];
  replicas: {
    total: number;
    ready: number;
    byRevision: Record<string, { total: number; ready: number }>;
    items: ReplicaRecord[];
  };
  events: ClusterEvent[];
}

/** `GET /v1/nodes` items. */
export interface NodeView extends NodeRecord {
  allocated: { cpuMillis: number; memoryBytes: number };
  replicas: number;
}

/** `GET /v1/events`. */
export interface EventPage extends List<ClusterEvent> {
  next: string;
}

/** The proxy's figures for one service (`tug.v1.proxy.metrics`): new connections per second and open ones. */
export interface TrafficFigure {
  rps: number;
  connections: number;
}

/** Changed and removed objects of one kind, by id. */
export interface Changes<T> {
  upsert: T[];
  remove: string[];
}

/**
 * One `cluster` event of `GET /v1/watch?view=cluster`: the first of a stream has `full: true` and every object
 * (a client starts over from it); later ones carry only what changed, in order.
 */
export interface ClusterDelta {
  full: boolean;
  nodes: Changes<NodeView>;
  replicas: Changes<ReplicaRecord>;
  deployments: Changes<DeploymentRecord>;
  services: Changes<ServiceView & { id: string }>;
  /** New cluster events, oldest first. */
  events: ClusterEvent[];
  /** The proxy's latest figures per service id (`ns/name`), when it published any. */
  traffic?: Record<string, TrafficFigure>;
}
