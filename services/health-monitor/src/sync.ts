/**
 * Answers `node.<id>.sync`: the full list of replicas bound to the node (to run, or to stop), each with the
 * template of its revision, and `sampleUsage` when its deployment autoscales on CPU. Lost replicas are left out, so a
 * node that comes back stops them (split-brain fence).
 */
import type { Bus } from "@tug/bus";
import { type Assignment, nodeFromSubject, scalesOnCpu, type SyncReply, subjects, syncRequestSchema, type Template, TugError, validate } from "@tug/contracts";
import type { StateStore } from "@tug/state";

/** Builds the assignment list of `node`. */
export async function assignmentsOf(store: StateStore, node: string): Promise<Assignment[]> {
  const replicas = (await store.replicasOfNode(node)).filter((r) => r.phase !== "Lost");
  const templates = new Map<string, Template | undefined>();
  const onCpu = new Map<string, boolean>();
  const out: Assignment[] = [];
  for (const r of replicas) {
    const key = `${r.deployment}@${r.revision}`;
    if (!templates.has(key)) templates.set(key, await store.template(r.deployment, r.revision));
    const template = templates.get(key);
    if (!template) continue;
    if (!onCpu.has(r.deployment)) onCpu.set(r.deployment, scalesOnCpu((await store.deployment(r.deployment))?.autoscale));
    const a: Assignment = { replica: { id: r.id, deployment: r.deployment, revision: r.revision, desired: r.desired, gen: r.gen }, template };
    if (onCpu.get(r.deployment)) a.sampleUsage = true;
    out.push(a);
  }
  return out;
}

/** Serves sync requests for every node (queue group "health-monitor"). */
export function serveSync(bus: Bus, store: StateStore): void {
  bus.serve(subjects.nodeAny("sync"), async (body, _env, subject): Promise<SyncReply> => {
    const req = validate(syncRequestSchema, body, "sync");
    if (nodeFromSubject(subject) !== req.node) throw new TugError("VALIDATION_FAILED", "sync node does not match its subject", "node");
    return { ok: true, node: req.node, assignments: await assignmentsOf(store, req.node) };
  }, { queue: "health-monitor" });
}
