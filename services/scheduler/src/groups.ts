/**
 * Placement groups of one plan: replicas of the same deployment, revision, requests and node selector are
 * interchangeable, so a node that fails a filter for one of them fails it for all for the rest of the plan (a plan
 * only ever adds to a node). Each group keeps its still-feasible nodes in tiers (the tier of a tiered score plugin,
 * e.g. spread's count of the deployment's replicas on the node), so finding candidates costs a bounded sample of
 * the lowest tier, not a scan of every node.
 */
import type { ReplicaRecord } from "@tug/contracts";
import type { FilterPlugin, NodeView, ScorePlugin } from "./types.js";

type Tier = NonNullable<ScorePlugin["tier"]>;

/** One group's nodes, by tier, and why the nodes it dropped did not fit. */
export class PlacementGroup {
  private readonly tiers: Array<Set<NodeView>> = [];
  private readonly tierOf = new Map<NodeView, number>();
  /** Why each dropped node does not fit, one entry per node (the unschedulable message sums them). */
  readonly reasons: string[] = [];

  constructor(
    first: ReplicaRecord,
    views: Iterable<NodeView>,
    private readonly filters: FilterPlugin[],
    private readonly tier?: Tier,
  ) {
    for (const v of views) this.put(v, tier ? tier(first, v) : 0);
  }

  /** Up to `want` nodes that pass every filter for `r`, all from the lowest tier that has one; drops the rest seen. */
  feasible(r: ReplicaRecord, want: number): NodeView[] {
    const out: NodeView[] = [];
    for (const nodes of this.tiers) {
      if (!nodes) continue;
      for (const v of nodes) {
        const reason = this.rejects(r, v);
        if (reason !== undefined) {
          nodes.delete(v);
          this.reasons.push(reason);
          continue;
        }
        out.push(v);
        if (out.length >= want) return out;
      }
      if (out.length > 0) return out;
    }
    return out;
  }

  /** Moves `v` to its tier after `r` was placed on it. */
  placed(r: ReplicaRecord, v: NodeView): void {
    if (!this.tier) return;
    const before = this.tierOf.get(v);
    if (before === undefined || !this.tiers[before]?.delete(v)) return; // dropped meanwhile
    this.put(v, this.tier(r, v));
  }

  private rejects(r: ReplicaRecord, v: NodeView): string | undefined {
    for (const f of this.filters) {
      const verdict = f.filter(r, v);
      if (!verdict.fits) return verdict.reason;
    }
    return undefined;
  }

  private put(v: NodeView, tier: number): void {
    for (let i = this.tiers.length; i <= tier; i++) this.tiers[i] = new Set();
    this.tiers[tier]!.add(v);
    this.tierOf.set(v, tier);
  }
}

/** The groups of one plan, made on first use. */
export class PlacementGroups {
  private readonly groups = new Map<string, PlacementGroup>();

  constructor(
    private readonly views: Map<string, NodeView>,
    private readonly filters: FilterPlugin[],
    private readonly tier?: Tier,
  ) {}

  /** The group of `r`. */
  of(r: ReplicaRecord): PlacementGroup {
    const key = groupKey(r);
    let g = this.groups.get(key);
    if (!g) this.groups.set(key, (g = new PlacementGroup(r, this.views.values(), this.filters, this.tier)));
    return g;
  }

  /** Records that `r` went to `v` (call after updating `v`): its group moves `v` to its new tier. */
  placed(r: ReplicaRecord, v: NodeView): void {
    this.of(r).placed(r, v);
  }
}

/** Replicas with equal keys are interchangeable for placement. */
function groupKey(r: ReplicaRecord): string {
  const selector = Object.entries(r.nodeSelector)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`);
  return [r.deployment, r.revision, r.resources.cpuMillis, r.resources.memoryBytes, ...selector].join("\u0000");
}
