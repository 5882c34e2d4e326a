/** Record builders shared by the controller's unit tests (not part of the build). */
import {
  type DeploymentRecord,
  manifestSchema,
  type NodeRecord,
  type ReplicaRecord,
  templateOf,
  validate,
} from "@tug/contracts";
import { nodeRecord, replicaRecord } from "@tug/testkit";

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
  return replicaRecord(`r${seq}`, { readySince: 0, createdAt: seq, ...over });
}

/** One Ready node, n1. */
export const nodes = new Map<string, NodeRecord>([["n1", nodeRecord("n1", { lastHeartbeat: now })]]);
