/**
 * Record builders for unit tests: a Ready node and a Running, ready replica with the fields every test leaves alone
 * filled in; each test puts what it is about on top (`over`).
 */
import type { NodeRecord, ReplicaRecord, Template } from "@tug/contracts";

/** A template with only a 1 s grace set (no command, env, ports or requests; restart Always); `over` adds the rest. */
export function bareTemplate(over: Partial<Template> = {}): Template {
  return {
    env: {},
    ports: [],
    resources: { cpuMillis: 0, memoryBytes: 0 },
    nodeSelector: {},
    restartPolicy: "Always",
    terminationGracePeriodSeconds: 1,
    ...over,
  };
}

/** A Ready, schedulable fake-driver node `id` at 127.0.0.1 with 1 CPU and 1 GiB, with `over` on top. */
export function nodeRecord(id: string, over: Partial<NodeRecord> = {}): NodeRecord {
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

/** Replica `id` of default/web revision 1, Running and ready on n1, requesting 100m CPU, with `over` on top. */
export function replicaRecord(id: string, over: Partial<ReplicaRecord> = {}): ReplicaRecord {
  return {
    id,
    deployment: "default/web",
    revision: 1,
    node: "n1",
    desired: "run",
    phase: "Running",
    ready: true,
    restarts: 0,
    resources: { cpuMillis: 100, memoryBytes: 1 },
    nodeSelector: {},
    gen: 1,
    createdAt: 0,
    updatedAt: 0,
    ...over,
  };
}

/** Replica `id` of default/web waiting for a node (unbound, Pending, not ready), with `over` on top. */
export function pendingReplicaRecord(id: string, over: Partial<ReplicaRecord> = {}): ReplicaRecord {
  return replicaRecord(id, { node: null, phase: "Pending", ready: false, ...over });
}
