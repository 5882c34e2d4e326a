/**
 * `disconnect.stopAfterSeconds` on the control plane's side: a replica that its cut-off node stops by itself after
 * S seconds is not declared Lost (and so not replaced) before S + its termination grace + a margin have passed since
 * its node went NotReady. The node went NotReady at least the node grace after its last heartbeat, and its worker
 * counts S from its last answered sync (no later than that heartbeat, give or take the margin), so the old copy is
 * gone before the new one is created: two copies never run at once.
 */
import type { NodeRecord, ReplicaRecord, Template } from "@tug/contracts";

/** Slack for the heartbeat period, message delays and the worker's guard period (ms). */
export const DISCONNECT_MARGIN_MS = 1_000;

/** How long after NotReady the replicas of `t` must wait before they are declared Lost (ms); 0 = no hold. */
export function disconnectHoldMs(t: Template | undefined): number {
  const after = t?.disconnect?.stopAfterSeconds;
  if (after === undefined) return 0;
  return Math.ceil(after * 1000 + t!.terminationGracePeriodSeconds * 1000 + DISCONNECT_MARGIN_MS);
}

/** Ids of the replicas of a NotReady `node` whose hold has not passed at `now`. */
export async function heldReplicas(
  node: Pick<NodeRecord, "notReadySince">,
  replicas: readonly ReplicaRecord[],
  now: number,
  template: (deployment: string, revision: number) => Promise<Template | undefined>,
): Promise<string[]> {
  const since = node.notReadySince ?? now;
  const held: string[] = [];
  for (const r of replicas) {
    if (r.phase === "Lost") continue;
    if (since + disconnectHoldMs(await template(r.deployment, r.revision)) > now) held.push(r.id);
  }
  return held;
}
