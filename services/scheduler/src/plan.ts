/**
 * Pure placement: (pending replicas, nodes, what already runs where) → binds and unschedulable reasons.
 * Filter → score → pick; the view is updated after each pick so one plan never over-fills a node.
 */
import type { NodeRecord, ReplicaRecord } from "@tug/contracts";
import type { FilterPlugin, NodeView, ScorePlugin } from "./types.js";

export interface SchedulePlan {
  bind: Array<{ replica: ReplicaRecord; node: string }>;
  unschedulable: Array<{ replica: ReplicaRecord; reasons: string[] }>;
}

/** Builds each node's view from the replicas bound to it. */
export function nodeViews(nodes: NodeRecord[], bound: ReplicaRecord[]): Map<string, NodeView> {
  const views = new Map<string, NodeView>(nodes.map((n) => [n.id, { node: n, used: { cpuMillis: 0, memoryBytes: 0 }, perDeployment: new Map(), total: 0 }]));
  for (const r of bound) {
    const v = r.node ? views.get(r.node) : undefined;
    if (v) place(v, r);
  }
  return views;
}

function place(v: NodeView, r: ReplicaRecord): void {
  v.used.cpuMillis += r.resources.cpuMillis;
  v.used.memoryBytes += r.resources.memoryBytes;
  v.perDeployment.set(r.deployment, (v.perDeployment.get(r.deployment) ?? 0) + 1);
  v.total++;
}

/** Plans placements for `pending` (oldest first); ties between equal scores are broken by `rand`. */
export function planPlacements(pending: ReplicaRecord[], views: Map<string, NodeView>, filters: FilterPlugin[], scores: ScorePlugin[], rand: () => number = Math.random): SchedulePlan {
  const plan: SchedulePlan = { bind: [], unschedulable: [] };
  const ordered = [...pending].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  for (const r of ordered) {
    const reasons: string[] = [];
    let best: NodeView | undefined;
    let bestScore = -Infinity;
    for (const v of views.values()) {
      const failed = filters.map((f) => f.filter(r, v)).find((x) => !x.fits);
      if (failed && !failed.fits) {
        reasons.push(failed.reason);
        continue;
      }
      const s = scores.reduce((acc, p) => acc + p.weight * p.score(r, v), 0) + rand() * 1e-3;
      if (s > bestScore) {
        bestScore = s;
        best = v;
      }
    }
    if (!best) {
      plan.unschedulable.push({ replica: r, reasons: views.size === 0 ? ["no nodes registered"] : reasons });
      continue;
    }
    place(best, r);
    plan.bind.push({ replica: r, node: best.node.id });
  }
  return plan;
}
