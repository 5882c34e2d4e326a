/** Records for the scheduler's example tests: a Ready node and a pending replica, each with overrides. */
import type { NodeRecord, ReplicaRecord } from "@tug/contracts";

/** A Ready, schedulable node with 1 CPU and 1 GiB. */
export function node(id: string, over: Partial<NodeRecord> = {}): NodeRecord {
  return {
    id,
    address: "127.0.0.1",
    capacity: { cpuMillis: 1000, memoryBytes: 1 << 30 },
    labels: {},
    driver: "fake",
    status: "Ready",
    cordoned: false,
    draining: false,
    instance: "i",
    lastHeartbeat: 0,
    registeredAt: 0,
    gen: 1,
    ...over,
  };
}

let seq = 0;

/** A pending replica of default/web requesting `cpuMillis` (ids r1, r2, … in creation order). */
export function pendingReplica(cpuMillis: number, over: Partial<ReplicaRecord> = {}): ReplicaRecord {
  seq++;
  return {
    id: `r${seq}`,
    deployment: "default/web",
    revision: 1,
    node: null,
    desired: "run",
    phase: "Pending",
    ready: false,
    restarts: 0,
    resources: { cpuMillis, memoryBytes: 1 },
    nodeSelector: {},
    gen: 1,
    createdAt: seq,
    updatedAt: 0,
    ...over,
  };
}
