/** Shapes of the registry HTTP API's answers, as the CLI reads them (design.md §3). */
import type { ClusterEvent, DeploymentRecord, NodeRecord, ReplicaRecord, Template } from "@tug/contracts";

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

/** `GET /v1/deployments/{ns}/{name}`. */
export interface DeploymentDetail {
  deployment: DeploymentRecord;
  revisions: Array<{ revision: number; current: boolean; image?: string; command?: string[]; template: Template }>;
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
