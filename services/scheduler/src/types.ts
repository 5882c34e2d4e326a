/** The scheduler's narrow extension points (kube-scheduler's Filter/Score plugins, in our words). */
import type { NodeRecord, ReplicaRecord } from "@tug/contracts";

/** A node as the planner sees it: its record plus what is already placed on it (updated as the plan places). */
export interface NodeView {
  node: NodeRecord;
  used: { cpuMillis: number; memoryBytes: number };
  /** Replica count per deployment id on this node. */
  perDeployment: Map<string, number>;
  total: number;
}

export type Verdict = { fits: true } | { fits: false; reason: string };

/** The verdict of a node that fits: one shared object, as filters run for every candidate of every replica. */
export const FITS: Verdict = Object.freeze({ fits: true });

/** Rejects nodes a replica cannot run on. */
export interface FilterPlugin {
  readonly name: string;
  filter(r: ReplicaRecord, n: NodeView): Verdict;
}

/** Ranks feasible nodes: 0..100, higher is better, multiplied by `weight`. */
export interface ScorePlugin {
  readonly name: string;
  readonly weight: number;
  score(r: ReplicaRecord, n: NodeView): number;
  /**
   * Optional strict tier (0 = best): candidates are drawn from the lowest tier that has a feasible node before any
   * score is compared, so sampling a bounded number of nodes keeps this plugin's preference exact. A tiered plugin's
   * score must be a function of its tier alone: the planner does not compare it among candidates of one tier.
   */
  readonly tier?: (r: ReplicaRecord, n: NodeView) => number;
}
