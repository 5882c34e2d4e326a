/**
 * Pure placement: (pending replicas, nodes, what already runs where) → binds and unschedulable reasons.
 * Filter → score → pick against one snapshot; the view is updated after each pick so one plan never over-fills a
 * node. At large sizes each replica scores a bounded sample of feasible nodes (kube-scheduler's adaptive
 * percentageOfNodesToScore), drawn from the lowest tier of a tiered score plugin (spread: fewest replicas of the
 * deployment first), so spread stays within 1 of even however many nodes are sampled.
 */
import type { NodeRecord, ReplicaRecord } from "@tug/contracts";
import { PlacementGroups } from "./groups.js";
import type { FilterPlugin, NodeView, ScorePlugin } from "./types.js";

/** What one pass decided. */
export interface SchedulePlan {
  bind: Array<{ replica: ReplicaRecord; node: string }>;
  unschedulable: Array<{ replica: ReplicaRecord; reasons: string[] }>;
}

/** Tuning of one plan. */
export interface PlanOptions {
  /** Feasible nodes scored per replica (default: `sampleSize(nodes)`). */
  sample?: number;
}

/**
 * How many feasible nodes to score per replica among `nodes`: all of them up to 100, then kube-scheduler's adaptive
 * share (50 % minus 1 % per 125 nodes, at least 5 %), never fewer than 100.
 */
export function sampleSize(nodes: number): number {
  if (nodes <= 100) return nodes;
  const percent = Math.max(5, 50 - nodes / 125);
  return Math.max(100, Math.ceil((nodes * percent) / 100));
}

/** An empty view of `node` (nothing placed on it yet). */
export function emptyView(node: NodeRecord): NodeView {
  return { node, used: { cpuMillis: 0, memoryBytes: 0 }, perDeployment: new Map(), total: 0 };
}

/** Builds each node's view from the replicas bound to it. */
export function nodeViews(nodes: NodeRecord[], bound: ReplicaRecord[]): Map<string, NodeView> {
  const views = new Map<string, NodeView>(nodes.map((n) => [n.id, emptyView(n)]));
  for (const r of bound) {
    const v = r.node ? views.get(r.node) : undefined;
    if (v) place(v, r);
  }
  return views;
}

/** Adds `r`'s requests and count to `v` (what binding it there will use). */
export function place(v: NodeView, r: ReplicaRecord): void {
  v.used.cpuMillis += r.resources.cpuMillis;
  v.used.memoryBytes += r.resources.memoryBytes;
  v.perDeployment.set(r.deployment, (v.perDeployment.get(r.deployment) ?? 0) + 1);
  v.total++;
}

/** Plans placements for `pending` (oldest first); ties between equal scores are broken by `rand`. */
export function planPlacements(
  pending: ReplicaRecord[],
  views: Map<string, NodeView>,
  filters: FilterPlugin[],
  scores: ScorePlugin[],
  rand: () => number = Math.random,
  o: PlanOptions = {},
): SchedulePlan {
  const plan: SchedulePlan = { bind: [], unschedulable: [] };
  const sample = Math.max(1, o.sample ?? sampleSize(views.size));
  const groups = new PlacementGroups(views, filters, scores.find((p) => p.tier)?.tier);
  // every candidate comes from one tier, which decides a tiered plugin's score: only the others tell them apart
  const compared = scores.filter((p) => !p.tier);
  const ordered = [...pending].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  for (const r of ordered) {
    const group = groups.of(r);
    const candidates = group.feasible(r, sample);
    let best: NodeView | undefined;
    let bestScore = -Infinity;
    for (const v of candidates) {
      let s = rand() * 1e-3;
      for (const p of compared) s += p.weight * p.score(r, v);
      if (s > bestScore) {
        bestScore = s;
        best = v;
      }
    }
    if (!best) {
      plan.unschedulable.push({ replica: r, reasons: views.size === 0 ? ["no nodes registered"] : group.reasons });
      continue;
    }
    place(best, r);
    groups.placed(r, best);
    plan.bind.push({ replica: r, node: best.node.id });
  }
  return plan;
}
