/** A replica record for the checker's tests: Running and ready on n1, deployment default/a revision 1. */
import type { ReplicaRecord } from "@tug/contracts";
import { replicaRecord as webReplica } from "@tug/testkit";

/** Replica `id` with `over` applied. */
export function replicaRecord(id: string, over: Partial<ReplicaRecord> = {}): ReplicaRecord {
  return webReplica(id, { deployment: "default/a", ...over });
}
