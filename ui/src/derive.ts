/** Figures the views show, computed from the cluster state (pure functions). */
import type { ClusterEvent, DeploymentRecord, ReplicaRecord } from "@tug/contracts";

/** Colour classes of a replica. */
export type ReplicaTone = "ready" | "starting" | "pending" | "failed" | "stopping";

/** The colour of a replica: green ready, blue starting or running unready, grey pending, red failed, faded stopping. */
export function toneOf(r: ReplicaRecord): ReplicaTone {
  if (r.desired === "stop") return "stopping";
  if (r.phase === "Failed" || r.phase === "CrashLoopBackOff" || r.phase === "Lost") return "failed";
  if (r.ready) return "ready";
  if (r.phase === "Pending") return "pending";
  return "starting";
}

/** A deployment's counts, as `kubectl get deploy` shows them, and how far its rollout has got (0..1). */
export interface RolloutFigures {
  desired: number;
  /** Replicas meant to run. */
  current: number;
  ready: number;
  /** Replicas of the current revision. */
  updated: number;
  /** Ready replicas of the current revision. */
  updatedReady: number;
  progress: number;
  /** The rollout is done: every desired replica is updated and ready, no older copy is left. */
  complete: boolean;
}

/** Counts the replicas of `d` (those meant to run). */
export function rolloutOf(d: DeploymentRecord, replicas: readonly ReplicaRecord[]): RolloutFigures {
  const running = replicas.filter((r) => r.desired === "run");
  const updated = running.filter((r) => r.revision === d.revision);
  const updatedReady = updated.filter((r) => r.ready).length;
  const ready = running.filter((r) => r.ready).length;
  const progress = d.replicas === 0 ? 1 : Math.min(1, updatedReady / d.replicas);
  const complete = updatedReady >= d.replicas && running.length === updated.length;
  return {
    desired: d.replicas,
    current: running.length,
    ready,
    updated: updated.length,
    updatedReady,
    progress,
    complete,
  };
}

/** Groups items by a key. */
export function groupBy<T>(items: Iterable<T>, key: (t: T) => string | null): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item) ?? "";
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** Event reasons that mean something broke (what a chaos run, or real trouble, leaves behind). */
const DISRUPTIONS = new Set(["ReplicaLost", "NodeNotReady", "Failed", "CrashLoopBackOff", "NodeRestarted"]);

/** True when `e` records a failure: a lost or failed replica, a node gone NotReady or restarted. */
export function isDisruption(e: ClusterEvent): boolean {
  return DISRUPTIONS.has(e.reason) || (e.reason === "Removed" && /lost|exit|failed/i.test(e.message));
}

/** Disruptions within the last `windowMs` before `now`, newest last. */
export function recentDisruptions(events: readonly ClusterEvent[], now: number, windowMs = 60_000): ClusterEvent[] {
  return events.filter((e) => isDisruption(e) && now - e.at <= windowMs);
}
