/**
 * Pure planning for one deployment (Nomad's Compute(): no I/O). Given the desired record (or none, when deleted)
 * and the replicas that exist, decide which replicas to create, retire (drain + stop) and remove (forget).
 * Rolling updates honour maxSurge / maxUnavailable / minReadySeconds; Recreate stops all old replicas first.
 */
import { type DeploymentRecord, type NodeRecord, type ReplicaRecord, resolveAmount } from "@tug/contracts";

export interface DeploymentPlan {
  /** Number of new replicas to create at the deployment's current revision. */
  create: number;
  retire: Array<{ replica: ReplicaRecord; reason: string }>;
  remove: Array<{ replica: ReplicaRecord; reason: string }>;
  /** Revision that just became fully available (record it as last good). */
  completed?: number;
  /** True when the rollout is still moving; the controller looks again soon. */
  progressing: boolean;
  counts: { desired: number; current: number; ready: number; updated: number; old: number };
}

const DONE_PHASES = new Set(["Stopped", "Succeeded", "Failed", "Lost"]);

/** Is `r` available: ready, and ready for at least minReadySeconds. */
function available(r: ReplicaRecord, minReadyMs: number, now: number): boolean {
  return r.ready && (minReadyMs === 0 || (r.readySince !== undefined && now - r.readySince >= minReadyMs));
}

/** Retirement order: unbound first, then not ready, then newest. */
function retireOrder(a: ReplicaRecord, b: ReplicaRecord): number {
  const rank = (r: ReplicaRecord) => (r.node === null ? 0 : r.ready ? 2 : 1);
  return rank(a) - rank(b) || b.createdAt - a.createdAt;
}

/** maxSurge resolved against the desired count; 1 when both it and maxUnavailable are 0 (as Kubernetes). */
function maxSurgeOf(dep: DeploymentRecord): number {
  const surge = resolveAmount(dep.strategy.maxSurge, dep.replicas, true);
  return surge === 0 && resolveAmount(dep.strategy.maxUnavailable, dep.replicas, false) === 0 ? 1 : surge;
}

/**
 * Plans one deployment; `nodes` tells which nodes still answer (a retired replica on a dead node is just forgotten,
 * unless the deployment sets disconnect.stopAfterSeconds: then it waits until the replica is Lost).
 * `sameTemplate` lists earlier revisions whose template equals the current one (a rollback makes a new revision of
 * an old template): their replicas count as up to date, so rolling back keeps them instead of replacing them.
 */
export function planDeployment(
  dep: DeploymentRecord | undefined,
  replicas: ReplicaRecord[],
  nodes: Map<string, NodeRecord>,
  now: number,
  sameTemplate: ReadonlySet<number> = new Set(),
): DeploymentPlan {
  const plan: DeploymentPlan = {
    create: 0,
    retire: [],
    remove: [],
    progressing: false,
    counts: { desired: dep?.replicas ?? 0, current: 0, ready: 0, updated: 0, old: 0 },
  };
  const active: ReplicaRecord[] = [];
  let stopping = 0;
  for (const r of replicas) {
    const node = r.node ? nodes.get(r.node) : undefined;
    if (r.desired === "stop") {
      // on a cut-off node a copy of a deployment with disconnect.stopAfterSeconds still runs until its node stops
      // it: it counts as stopping until the health-monitor declares it Lost (after the hold), never as gone
      const cutOff = node?.status !== "Ready" && !!dep?.template.disconnect;
      const gone = r.node === null || DONE_PHASES.has(r.phase) || !node || (node.status !== "Ready" && !cutOff);
      if (gone) plan.remove.push({ replica: r, reason: `retired replica ${r.phase === "Lost" ? "lost" : "stopped"}` });
      else stopping++;
    } else if (r.phase === "Lost") plan.remove.push({ replica: r, reason: "node lost; replaced" });
    else if (r.phase === "Failed" || r.phase === "Succeeded")
      plan.remove.push({
        replica: r,
        reason: `replica ${r.phase.toLowerCase()}${r.lastExit ? ` (exit ${r.lastExit.code})` : ""}; replaced`,
      });
    else if (r.node !== null && !node) plan.remove.push({ replica: r, reason: `node ${r.node} no longer exists` });
    else active.push(r);
  }
  if (!dep) {
    for (const r of active) plan.retire.push({ replica: r, reason: "deployment deleted" });
    return plan;
  }
  const minReadyMs = dep.strategy.minReadySeconds * 1000;
  // A replica on a draining node is "old" like one of an earlier revision: replaced first, then retired.
  const upToDate = (r: ReplicaRecord) => r.revision === dep.revision || sameTemplate.has(r.revision);
  const current = (r: ReplicaRecord) => upToDate(r) && !(r.node && nodes.get(r.node)?.draining);
  const updated = active.filter(current);
  const old = active.filter((r) => !current(r));
  const readyNew = updated.filter((r) => available(r, minReadyMs, now)).length;
  const readyOld = old.filter((r) => available(r, minReadyMs, now)).length;
  plan.counts = {
    desired: dep.replicas,
    current: active.length,
    ready: readyNew + readyOld,
    updated: updated.length,
    old: old.length,
  };

  const removed = new Set(plan.remove.map((x) => x.replica.id));
  const oldStopping = replicas.some((r) => !upToDate(r) && r.desired === "stop" && !removed.has(r.id));
  const recreateWaiting = dep.strategy.type === "Recreate" && oldStopping;
  // Scale up the new revision within the surge budget (retiring replicas still count until they are gone).
  const surgeRoom = () => dep.replicas + maxSurgeOf(dep) - active.length - stopping;
  if (old.length === 0) {
    // The last wave of a rolling update: old replicas still stopping count against maxSurge too.
    const room = oldStopping && dep.strategy.type !== "Recreate" ? surgeRoom() : Infinity;
    const missing = dep.replicas - updated.length;
    if (missing > 0 && !recreateWaiting) plan.create = Math.max(0, Math.min(missing, room));
    for (const r of [...updated].sort(retireOrder).slice(0, Math.max(0, updated.length - dep.replicas)))
      plan.retire.push({ replica: r, reason: "scaled down" });
    if (
      readyNew >= dep.replicas &&
      updated.length === dep.replicas &&
      stopping === 0 &&
      dep.lastGoodRevision !== dep.revision
    )
      plan.completed = dep.revision;
    plan.progressing = plan.create > 0 || plan.retire.length > 0 || readyNew < dep.replicas || stopping > 0;
    return plan;
  }

  plan.progressing = true;
  if (dep.paused) return plan;
  if (dep.strategy.type === "Recreate") {
    // New replicas start only once no old one is left (the old-free branch above then creates them).
    for (const r of old)
      plan.retire.push({
        replica: r,
        reason: upToDate(r) ? `node ${r.node} drained` : `recreate: revision ${r.revision} replaced by ${dep.revision}`,
      });
    return plan;
  }
  const maxUnavailable = resolveAmount(dep.strategy.maxUnavailable, dep.replicas, false);
  plan.create = Math.max(0, Math.min(dep.replicas - updated.length, surgeRoom()));
  // Scale down the old revision: unavailable old replicas first (they serve nothing now), then as many available
  // ones as keep at least desired - maxUnavailable available. One that never became ready goes at once; one that
  // served before and is unready now (a probe timing out on a busy host) may come back, so it goes only while the
  // available new ones and the old ones left still make minAvailable (Kubernetes' maxScaledDown): retiring every
  // such one at once would empty the endpoints under load.
  const minAvailable = Math.max(0, dep.replicas - maxUnavailable);
  const servedBefore = (r: ReplicaRecord) => r.readySince !== undefined;
  let budget = readyNew + old.filter(servedBefore).length - minAvailable;
  let canDrop = readyNew + readyOld - minAvailable;
  for (const r of [...old].sort(retireOrder)) {
    const reason = upToDate(r) ? `node ${r.node} drained` : `rolling update to revision ${dep.revision}`;
    const isAvailable = available(r, minReadyMs, now);
    if (!isAvailable && !servedBefore(r)) plan.retire.push({ replica: r, reason });
    else if (budget > 0 && (!isAvailable || canDrop > 0)) {
      if (isAvailable) canDrop--;
      budget--;
      plan.retire.push({ replica: r, reason });
    }
  }
  // Too many new replicas (a scale-down during the rollout): trim them too.
  const surplus = updated.length - dep.replicas;
  if (surplus > 0)
    for (const r of [...updated].sort(retireOrder).slice(0, surplus))
      plan.retire.push({ replica: r, reason: "scaled down" });
  return plan;
}
