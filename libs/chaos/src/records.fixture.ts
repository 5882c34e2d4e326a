/** A replica record for the checker's tests: Running and ready on n1, deployment default/a revision 1. */
import type { ReplicaRecord } from "@tug/contracts";

/** Replica `id` with `over` applied. */
export function replicaRecord(id: string, over: Partial<ReplicaRecord> = {}): ReplicaRecord {
  return {
    id,
    deployment: "default/a",
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
