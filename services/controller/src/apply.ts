/**
 * Carries out a DeploymentPlan through the store (one Lua transition per change) and publishes the hints that
 * wake the scheduler and the workers. A CAS conflict means someone moved first: the next pass re-plans.
 */
import type { Bus } from "@tug/bus";
import { type DeploymentRecord, subjects, TugError } from "@tug/contracts";
import type { Logger } from "@tug/log";
import type { RedisStore } from "@tug/state";
import { newReplicaId } from "./ids.js";
import type { DeploymentPlan } from "./plan.js";

/** Executes `plan` for deployment `id` (`dep` undefined when deleted). */
export async function applyPlan(id: string, dep: DeploymentRecord | undefined, plan: DeploymentPlan, store: RedisStore, bus: Bus, log: Logger): Promise<void> {
  const touchedNodes = new Set<string>();
  for (const { replica, reason } of plan.remove) {
    await tolerateConflict(store.removeReplica(replica, reason, replica.gen));
    if (replica.node) touchedNodes.add(replica.node);
  }
  for (const { replica, reason } of plan.retire) {
    await tolerateConflict(store.retireReplica(replica.id, reason, replica.gen));
    if (replica.node) touchedNodes.add(replica.node);
  }
  if (dep && plan.create > 0) {
    for (let i = 0; i < plan.create; i++) {
      await store.createReplica({ id: newReplicaId(dep.name, dep.revision), deployment: id, revision: dep.revision, resources: dep.template.resources, nodeSelector: dep.template.nodeSelector });
    }
    bus.publish(subjects.hint("replica", "pending"), "hint", { deployment: id });
  }
  if (dep && plan.completed !== undefined) {
    await store.patchDeployment(id, { lastGoodRevision: plan.completed }, { reason: "RolloutComplete", message: `revision ${plan.completed} available (${plan.counts.ready}/${plan.counts.desired} ready)` });
  }
  for (const node of touchedNodes) bus.publish(subjects.nodeAssign(node), "hint", { deployment: id });
  if (plan.retire.length || plan.remove.length) bus.publish(subjects.hint("endpoints", id), "hint", {});
  if (plan.create || plan.retire.length || plan.remove.length) log.info({ deployment: id, create: plan.create, retire: plan.retire.length, remove: plan.remove.length, ...plan.counts }, "reconciled");
}

async function tolerateConflict(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!(err instanceof TugError && (err.code === "CONFLICT" || err.code === "NOT_FOUND"))) throw err;
  }
}
