/**
 * Commits a SchedulePlan: binds go to the store in batches, one Lua call per batch that re-checks each replica's
 * generation and each node's readiness and room, so two schedulers racing can never over-commit a node; a refused
 * bind is simply retried on the next pass. Unschedulable replicas get their reason recorded (for `tug describe`).
 */
import type { Bus } from "@tug/bus";
import { subjects } from "@tug/contracts";
import type { Logger } from "@tug/log";
import type { StateStore } from "@tug/state";
import type { SchedulePlan } from "./plan.js";

/** Binds per Lua call: large enough to amortize the round trip, small enough not to stall Redis (a few ms). */
export const BIND_BATCH = 256;

/** What applying a plan did. */
export interface ApplyResult {
  /** Replica ids bound. */
  bound: string[];
  /** Nodes whose binds were refused (their view was stale). */
  refusedNodes: Set<string>;
  refused: number;
}

/** Applies the plan; the caller re-reads `refusedNodes` and re-plans soon when `refused` > 0. */
export async function applySchedule(
  plan: SchedulePlan,
  store: StateStore,
  bus: Bus,
  log: Logger,
): Promise<ApplyResult> {
  const out: ApplyResult = { bound: [], refusedNodes: new Set(), refused: 0 };
  const nodes = new Set<string>();
  const deployments = new Set<string>();
  const batches: Array<SchedulePlan["bind"]> = [];
  for (let i = 0; i < plan.bind.length; i += BIND_BATCH) batches.push(plan.bind.slice(i, i + BIND_BATCH));
  // every batch is sent at once: Redis runs them one after the other (each re-checks what it binds) and
  // group-commits their fsyncs, instead of one round trip and one fsync per batch
  const toBind = (batch: SchedulePlan["bind"]) =>
    batch.map((b) => ({ replica: b.replica.id, node: b.node, gen: b.replica.gen }));
  const answers = await Promise.all(batches.map((batch) => store.bindReplicas(toBind(batch))));
  batches.forEach((batch, k) => {
    const results = answers[k]!;
    batch.forEach(({ replica, node }, j) => {
      const r = results[j];
      if (typeof r === "number") {
        out.bound.push(replica.id);
        nodes.add(node);
        deployments.add(replica.deployment);
        return;
      }
      out.refused++;
      out.refusedNodes.add(node);
      log.debug({ replica: replica.id, node, code: r }, "bind refused");
    });
  });
  // replicas of one placement group share their reasons array: summarize it once, not once per replica
  const summaries = new Map<readonly string[], string>();
  for (const { replica, reasons } of plan.unschedulable) {
    let message = summaries.get(reasons);
    if (message === undefined) summaries.set(reasons, (message = summarize(reasons)));
    if (replica.reason === "Unschedulable" && replica.message === message) continue;
    await store.markUnschedulable(replica.id, replica.gen, "Unschedulable", message).catch(() => {});
  }
  for (const node of nodes) bus.publish(subjects.nodeAssign(node), "hint", {});
  for (const id of deployments) bus.publish(subjects.hint("deployment", id), "hint", { id });
  const unschedulable = plan.unschedulable.length;
  if (plan.bind.length) log.info({ bound: out.bound.length, refused: out.refused, unschedulable }, "scheduled");
  return out;
}

/** "no node fits: 2× insufficient cpu, 1× NotReady" style summary. */
function summarize(reasons: string[]): string {
  const counts = new Map<string, number>();
  for (const r of reasons) {
    const key = r.replace(/^node \S+:? ?/, "").replace(/ \(.*\)$/, "");
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return `no node fits: ${[...counts].map(([k, n]) => `${n}× ${k}`).join(", ")}`;
}
