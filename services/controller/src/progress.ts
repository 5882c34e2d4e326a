/**
 * Pure progress check for a rollout (no I/O): has the revision the deployment is moving to failed — its progress
 * deadline passed, or its replicas crash-loop or stay unready too long — and if so, roll back or only report it.
 */
import type { DeploymentRecord, ReplicaRecord } from "@tug/contracts";

/** Restarts of one new-revision replica from which the rollout counts as crash-looping. */
export const CRASH_RESTARTS = 3;
/** Restarts from which a replica waiting in CrashLoopBackOff counts (one crash alone may be a fluke). */
export const BACKOFF_RESTARTS = 2;
/**
 * Least time a new-revision replica may stay Running but unready before the rollout counts as failing (ms), counted
 * from when the controller first saw it Running (RunningClock), and only while no replica of the revision became
 * ready for as long; generous, as a busy host starts apps slowly.
 */
export const MIN_UNREADY_MS = 30_000;

/** What to do about a rollout's progress. */
export type ProgressVerdict =
  | { action: "none" }
  /** Roll back to `toRevision` (the last good one) and record why. */
  | { action: "rollback"; toRevision: number; reason: string; message: string }
  /** Only record that the rollout is stuck (autoRollback off, or nothing good to return to). */
  | { action: "report"; reason: string; message: string };

/** Condition types this check writes; a set one is not written again for the same revision. */
export const STUCK_CONDITION = "ProgressDeadlineExceeded";

/**
 * How long a started replica may stay unready: twice its readiness probe's failure window (initial delay plus
 * period × failureThreshold), at least MIN_UNREADY_MS, at most the progress deadline.
 */
export function unreadyThresholdMs(dep: DeploymentRecord): number {
  const p = dep.template.readinessProbe;
  const window = p ? (p.initialDelaySeconds + p.periodSeconds * p.failureThreshold) * 1000 : 0;
  return Math.min(dep.strategy.progressDeadlineSeconds * 1000, Math.max(MIN_UNREADY_MS, 2 * window));
}

/**
 * When the rollout last made progress: its start, or the latest moment a replica of the new revision became ready
 * (like Kubernetes, the progress deadline restarts with every step forward, so a long rollout of many replicas is
 * not failed while it keeps moving).
 */
export function lastProgressAt(dep: DeploymentRecord, replicas: readonly ReplicaRecord[]): number {
  let at = dep.revisionAt ?? dep.updatedAt;
  for (const r of replicas)
    if (r.revision === dep.revision && r.ready && r.readySince !== undefined && r.readySince > at) at = r.readySince;
  return at;
}

/**
 * Why the rollout of `dep.revision` has failed, or undefined while it is fine. `runningSince` maps replica ids to
 * when they were first seen Running (a replica missing from it has not been Running long enough to judge).
 */
export function failureOf(
  dep: DeploymentRecord,
  replicas: readonly ReplicaRecord[],
  now: number,
  runningSince: ReadonlyMap<string, number>,
): { reason: string; message: string } | undefined {
  const mine = replicas.filter((r) => r.revision === dep.revision && r.desired === "run");
  const crashing = mine.find(
    (r) =>
      r.restarts >= CRASH_RESTARTS ||
      (r.phase === "CrashLoopBackOff" && r.restarts >= BACKOFF_RESTARTS) ||
      r.phase === "Failed",
  );
  if (crashing) {
    const exit = crashing.lastExit ? `, last exit ${crashing.lastExit.code ?? crashing.lastExit.reason}` : "";
    return {
      reason: "CrashLoop",
      message:
        `replica ${crashing.id} of revision ${dep.revision} is ${crashing.phase} ` +
        `(${crashing.restarts} restarts${exit})`,
    };
  }
  // A replica unready past the threshold fails the revision only while the revision as a whole stands still: when
  // other replicas of it keep becoming ready, the version works and this one is slow (a loaded host), not broken.
  const limit = unreadyThresholdMs(dep);
  const started = lastProgressAt(dep, replicas);
  const unready =
    now - started > limit &&
    mine.find((r) => r.phase === "Running" && !r.ready && now - (runningSince.get(r.id) ?? now) > limit);
  if (unready)
    return {
      reason: "ReadinessFailed",
      message:
        `replica ${unready.id} of revision ${dep.revision} has been running ${Math.round(limit / 1000)}s without ` +
        `becoming ready, and no replica of it became ready meanwhile`,
    };
  const deadline = dep.strategy.progressDeadlineSeconds * 1000;
  if (now - started > deadline) {
    const ready = mine.filter((r) => r.ready).length;
    return {
      reason: STUCK_CONDITION,
      message:
        `revision ${dep.revision} not available after ${dep.strategy.progressDeadlineSeconds}s ` +
        `(${ready}/${dep.replicas} ready)`,
    };
  }
  return undefined;
}

/**
 * Decides for one deployment. Nothing to judge when the revision is already the last good one, the rollout is
 * paused, or this revision was already judged stuck. A revision that is itself a rollback is not rolled back again
 * (its target has left the history); it is reported instead, like a rollout without autoRollback.
 */
export function checkProgress(
  dep: DeploymentRecord | undefined,
  replicas: readonly ReplicaRecord[],
  now: number,
  runningSince: ReadonlyMap<string, number> = new Map(),
): ProgressVerdict {
  if (!dep || dep.paused || dep.lastGoodRevision === dep.revision) return { action: "none" };
  if (dep.condition?.type === STUCK_CONDITION) return { action: "none" };
  const failure = failureOf(dep, replicas, now, runningSince);
  if (!failure) return { action: "none" };
  const isRollback = dep.condition?.type === "RolledBack";
  if (dep.strategy.autoRollback && dep.lastGoodRevision !== undefined && !isRollback) {
    return {
      action: "rollback",
      toRevision: dep.lastGoodRevision,
      reason: failure.reason,
      message: `${failure.message}; rolling back to revision ${dep.lastGoodRevision}`,
    };
  }
  // Without autoRollback a crash loop is reported only once the deadline passes (as Kubernetes does).
  const started = lastProgressAt(dep, replicas);
  if (failure.reason !== STUCK_CONDITION && now - started <= dep.strategy.progressDeadlineSeconds * 1000)
    return { action: "none" };
  const why = !dep.strategy.autoRollback
    ? "autoRollback is off"
    : dep.lastGoodRevision === undefined
      ? "no earlier revision became available"
      : "this revision is already a rollback";
  return { action: "report", reason: failure.reason, message: `${failure.message}; not rolling back: ${why}` };
}
