/** Record builders shared by the controller's unit tests (not part of the build). */
import {
  type DeploymentRecord,
  manifestSchema,
  type NodeRecord,
  type ReplicaRecord,
  templateOf,
  validate,
} from "@tug/contracts";

/** The tests' clock (ms). */
export const now = 1_000_000;

/** A deployment record from a manifest (4 replicas of command `x` by default) with `over` on top. */
export function dep(over: Partial<DeploymentRecord> = {}, manifest: Record<string, unknown> = {}): DeploymentRecord {
  const m = validate(manifestSchema, { name: "web", command: ["x"], replicas: 4, ...manifest });
  return {
    id: "default/web",
    namespace: "default",
    name: "web",
    replicas: m.replicas,
    revision: 1,
    template: templateOf(m),
    strategy: m.strategy,
    revisionHistoryLimit: 10,
    labels: {},
    paused: false,
    gen: 1,
    createdAt: 0,
    updatedAt: 0,
    ...over,
  };
}

let seq = 0;
/** A running, ready replica of revision 1 on n1 (ids and createdAt increase per call) with `over` on top. */
export function rep(over: Partial<ReplicaRecord> = {}): ReplicaRecord {
  seq++;
  return {
    id: `r${seq}`,
    deployment: "default/web",
    revision: 1,
    node: "n1",
    desired: "run",
    phase: "Running",
    ready: true,
    readySince: 0,
    restarts: 0,
    resources: { cpuMillis: 100, memoryBytes: 1 },
    nodeSelector: {},
    gen: 1,
    createdAt: seq,
    updatedAt: 0,
    ...over,
  };
}

/** One Ready node, n1. */
export const nodes = new Map<string, NodeRecord>([
  [
    "n1",
    {
      id: "n1",
      address: "127.0.0.1",
      capacity: { cpuMillis: 1000, memoryBytes: 1 << 30 },
      labels: {},
      driver: "fake",
      status: "Ready",
      cordoned: false,
      draining: false,
      instance: "i",
      lastHeartbeat: now,
      registeredAt: 0,
      gen: 1,
    },
  ],
]);
