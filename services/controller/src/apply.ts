/**
 * Carries out a DeploymentPlan through the store (one Lua transition per change) and publishes the hints that
 * wake the scheduler and the workers. A CAS conflict means someone moved first: the next pass re-plans.
 */
import type { Bus } from "@tug/bus";
import { type DeploymentRecord, subjects, TugError } from "@tug/contracts";
import type { Logger } from "@tug/log";
import type { StateStore } from "@tug/state";
import { newReplicaId } from "./ids.js";
import type { DeploymentPlan } from "./plan.js";
import { STUCK_CONDITION, type ProgressVerdict } from "./progress.js";

/** Creates sent to the store at once (pipelined) before waiting for their answers. */
const CREATE_CHUNK = 200;

/** Executes `plan` for deployment `id` (`dep` undefined when deleted). */
export async function applyPlan(
  id: string,
  dep: DeploymentRecord | undefined,
  plan: DeploymentPlan,
  store: StateStore,
  bus: Bus,
  log: Logger,
  seen: number,
): Promise<void> {
  const touchedNodes = new Set<string>();
  const freedNodes = new Set<string>();
  // Creates are CAS'd on the number of replica records, so a racing controller cannot double them.
  let expected = seen;
  let created = 0;
  for (const { replica, reason } of plan.remove) {
    if (await tolerateConflict(store.removeReplica(replica, reason, replica.gen))) expected--;
    else expected = -2;
    if (replica.node) {
      touchedNodes.add(replica.node);
      freedNodes.add(replica.node);
    }
  }
  for (const { replica, reason } of plan.retire) {
    // the plan's deployment generation fences the retire: a plan made before a newer desired state is refused
    const planned = dep && { deployment: id, gen: dep.gen };
    await tolerateConflict(store.retireReplica(replica.id, reason, replica.gen, Date.now(), planned));
    if (replica.node) touchedNodes.add(replica.node);
  }
  if (dep && plan.create > 0 && expected >= 0) {
    // Pipelined: the creates of a chunk go out at once on the store's one connection, so Redis runs them in order,
    // each expecting one more record than the one before; after a conflict (someone else changed the set, or the
    // deployment moved since the plan) every later one fails its count too, and the next pass re-plans.
    for (let done = 0; done < plan.create;) {
      const chunk = Array.from({ length: Math.min(CREATE_CHUNK, plan.create - done) }, (_, i) => {
        const spec = {
          id: newReplicaId(dep.name, dep.revision),
          deployment: id,
          revision: dep.revision,
          resources: dep.template.resources,
          nodeSelector: dep.template.nodeSelector,
        };
        return tolerateConflict(store.createReplica(spec, expected + i, Date.now(), dep.gen));
      });
      const made = (await Promise.all(chunk)).filter(Boolean).length;
      expected += made;
      created += made;
      done += chunk.length;
      if (made < chunk.length) break;
    }
    bus.publish(subjects.hint("replica", "pending"), "hint", { deployment: id });
  }
  if (dep && plan.completed !== undefined) {
    // CAS on the generation planned from: a completion decided before a newer write (or by a stale controller) is
    // dropped.
    const { ready, desired } = plan.counts;
    const event = {
      reason: "RolloutComplete",
      message: `revision ${plan.completed} available (${ready}/${desired} ready)`,
    };
    await tolerateConflict(store.patchDeployment(id, { lastGoodRevision: plan.completed }, event, Date.now(), dep.gen));
  }
  for (const node of touchedNodes) bus.publish(subjects.nodeAssign(node), "hint", { deployment: id });
  // a removed replica frees room on its node: the scheduler's parked replicas may fit now
  for (const node of freedNodes) bus.publish(subjects.hint("node", node), "hint", { id: node });
  if (plan.retire.length || plan.remove.length) bus.publish(subjects.hint("endpoints", id), "hint", { id });
  if (plan.create || plan.retire.length || plan.remove.length)
    log.info(
      {
        deployment: id,
        create: plan.create,
        created,
        retire: plan.retire.length,
        remove: plan.remove.length,
        ...plan.counts,
      },
      "reconciled",
    );
}

/**
 * Carries out a progress verdict: a rollback (CAS on the generation the verdict was made from, so a user's newer
 * apply wins) followed by the condition and an event saying why; or only the ProgressDeadlineExceeded condition.
 * Returns true when the deployment changed.
 */
export async function applyVerdict(
  dep: DeploymentRecord,
  v: ProgressVerdict,
  store: StateStore,
  log: Logger,
  now = Date.now(),
): Promise<boolean> {
  if (v.action === "none") return false;
  try {
    if (v.action === "rollback") {
      const r = await store.rollbackDeployment(dep.id, v.toRevision, v.reason, dep.gen, now);
      const condition = { type: "RolledBack", reason: v.reason, message: v.message, at: now };
      const event = { reason: "AutoRollback", message: `${v.message} (now revision ${r.revision})` };
      await store.patchDeployment(dep.id, { condition }, event, now, r.gen);
      log.warn(
        { deployment: dep.id, from: dep.revision, to: v.toRevision, revision: r.revision, reason: v.reason },
        "rolled back",
      );
    } else {
      const condition = { type: STUCK_CONDITION, reason: v.reason, message: v.message, at: now };
      await store.patchDeployment(dep.id, { condition }, { reason: STUCK_CONDITION, message: v.message }, now, dep.gen);
      log.warn({ deployment: dep.id, revision: dep.revision, reason: v.reason }, "rollout stuck");
    }
    return true;
  } catch (err) {
    if (
      err instanceof TugError &&
      (err.code === "CONFLICT" || err.code === "NOT_FOUND" || err.code === "REVISION_NOT_FOUND")
    ) {
      log.warn({ deployment: dep.id, err: err.message }, "progress verdict not applied");
      return false;
    }
    throw err;
  }
}

/** Awaits a CAS write; true when it applied, false on CONFLICT / NOT_FOUND (someone moved first). */
async function tolerateConflict(p: Promise<unknown>): Promise<boolean> {
  try {
    await p;
    return true;
  } catch (err) {
    if (!(err instanceof TugError && (err.code === "CONFLICT" || err.code === "NOT_FOUND"))) throw err;
    return false;
  }
}
