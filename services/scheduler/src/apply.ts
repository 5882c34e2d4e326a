/**
 * Commits a SchedulePlan: each bind is a Lua CAS that re-checks node readiness and room, so two schedulers
 * racing can never over-commit a node; a refused bind is simply retried on the next pass.
 */
import type { Bus } from "@tug/bus";
import { subjects, TugError } from "@tug/contracts";
import type { Logger } from "@tug/log";
import type { RedisStore } from "@tug/state";
import type { SchedulePlan } from "./plan.js";

/** Applies the plan; returns how many binds were refused (the caller re-plans soon when > 0). */
export async function applySchedule(plan: SchedulePlan, store: RedisStore, bus: Bus, log: Logger): Promise<number> {
  let refused = 0;
  const nodes = new Set<string>();
  const deployments = new Set<string>();
  await Promise.all(plan.bind.map(async ({ replica, node }) => {
    try {
      await store.bindReplica(replica.id, node, replica.gen);
      nodes.add(node);
      deployments.add(replica.deployment);
    } catch (err) {
      if (!(err instanceof TugError) || err.code === "INTERNAL" || err.code === "STORE_UNAVAILABLE") throw err;
      refused++;
      log.debug({ replica: replica.id, node, code: err.code }, "bind refused");
    }
  }));
  for (const { replica, reasons } of plan.unschedulable) {
    const message = summarize(reasons);
    if (replica.reason === "Unschedulable" && replica.message === message) continue;
    await store.markUnschedulable(replica.id, replica.gen, "Unschedulable", message).catch(() => {});
  }
  for (const node of nodes) bus.publish(subjects.nodeAssign(node), "hint", {});
  for (const id of deployments) bus.publish(subjects.hint("deployment", id), "hint", { id });
  if (plan.bind.length) log.info({ bound: plan.bind.length - refused, refused, unschedulable: plan.unschedulable.length }, "scheduled");
  return refused;
}

/** "0/3 nodes are available: 2 insufficient cpu, 1 NotReady" style summary. */
function summarize(reasons: string[]): string {
  const counts = new Map<string, number>();
  for (const r of reasons) {
    const key = r.replace(/^node \S+:? ?/, "").replace(/ \(.*\)$/, "");
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return `no node fits: ${[...counts].map(([k, n]) => `${n}× ${k}`).join(", ")}`;
}
