/** Records for the scheduler's example tests: a Ready node and a pending replica, each with overrides. */
import type { ReplicaRecord } from "@tug/contracts";
import { pendingReplicaRecord } from "@tug/testkit";

/** A Ready, schedulable node with 1 CPU and 1 GiB. */
export { nodeRecord as node } from "@tug/testkit";

let seq = 0;

/** A pending replica of default/web requesting `cpuMillis` (ids r1, r2, … in creation order). */
export function pendingReplica(cpuMillis: number, over: Partial<ReplicaRecord> = {}): ReplicaRecord {
  seq++;
  return pendingReplicaRecord(`r${seq}`, { resources: { cpuMillis, memoryBytes: 1 }, createdAt: seq, ...over });
}
