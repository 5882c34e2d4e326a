import { describe, expect, it } from "vitest";
import type { DeploymentRecord, ReplicaRecord } from "@tug/contracts";
import { checkProgress, lastProgressAt, MIN_UNREADY_MS, STUCK_CONDITION, unreadyThresholdMs } from "./progress.js";
import { dep, now, rep } from "./records.fixture.js";
import { RunningClock } from "./running-clock.js";

/** Revision 2 rolling out over a good revision 1, started `ago` ms before now. */
const rollout = (over: Partial<DeploymentRecord> = {}, ago = 1_000, manifest: Record<string, unknown> = {}) =>
  dep(
    { revision: 2, lastGoodRevision: 1, revisionAt: now - ago, ...over },
    { strategy: { progressDeadlineSeconds: 60, autoRollback: true }, ...manifest },
  );
const fresh = (over: Partial<ReplicaRecord> = {}) => rep({ revision: 2, createdAt: now - 1_000, ...over });

describe("controller progress", () => {
  it("leaves a healthy rollout, a finished one and a paused one alone", () => {
    expect(checkProgress(rollout(), [rep(), fresh({ ready: false })], now).action).toBe("none");
    expect(checkProgress(rollout({ lastGoodRevision: 2 }, 600_000), [fresh()], now).action).toBe("none");
    expect(checkProgress(rollout({ paused: true }, 600_000), [fresh({ ready: false })], now).action).toBe("none");
    expect(checkProgress(undefined, [], now).action).toBe("none");
  });
  it("rolls back to the last good revision when the progress deadline passes", () => {
    const v = checkProgress(rollout({}, 61_000), [rep(), fresh({ phase: "Starting", ready: false })], now);
    expect(v).toMatchObject({ action: "rollback", toRevision: 1, reason: STUCK_CONDITION });
  });
  it("rolls back at once when a new replica crash-loops or fails", () => {
    expect(checkProgress(rollout(), [fresh({ restarts: 3 })], now)).toMatchObject({
      action: "rollback",
      reason: "CrashLoop",
    });
    expect(
      checkProgress(rollout(), [fresh({ phase: "CrashLoopBackOff", restarts: 2, ready: false })], now),
    ).toMatchObject({ action: "rollback", reason: "CrashLoop" });
    expect(checkProgress(rollout(), [fresh({ phase: "Failed", ready: false })], now)).toMatchObject({
      action: "rollback",
      reason: "CrashLoop",
    });
    // one crash alone, or a crash of an old replica, is not a failed rollout
    expect(
      checkProgress(rollout(), [fresh({ phase: "CrashLoopBackOff", restarts: 1, ready: false })], now).action,
    ).toBe("none");
    expect(checkProgress(rollout(), [rep({ restarts: 9 }), fresh()], now).action).toBe("none");
  });
  it("rolls back when a started new replica stays unready beyond the threshold", () => {
    const d = rollout({}, 40_000, {
      readinessProbe: { http: { path: "/healthz", port: 80 }, periodSeconds: 1, failureThreshold: 3 },
    });
    expect(unreadyThresholdMs(d)).toBe(MIN_UNREADY_MS);
    const r = fresh({ ready: false, createdAt: now - 10 * MIN_UNREADY_MS });
    // counted from when it was first seen Running, not from its creation (a slow start is no failure)
    expect(checkProgress(d, [r], now).action).toBe("none");
    expect(checkProgress(d, [r], now, new Map([[r.id, now - MIN_UNREADY_MS + 1_000]])).action).toBe("none");
    expect(checkProgress(d, [r], now, new Map([[r.id, now - MIN_UNREADY_MS - 1_000]]))).toMatchObject({
      action: "rollback",
      reason: "ReadinessFailed",
    });
    // …but not while other replicas of the revision keep becoming ready (the version works; this copy is slow)
    const peer = fresh({ id: "peer", ready: true, readySince: now - 5_000 });
    expect(checkProgress(d, [r, peer], now, new Map([[r.id, now - MIN_UNREADY_MS - 1_000]])).action).toBe("none");
    const stalePeer = fresh({ id: "peer", ready: true, readySince: now - MIN_UNREADY_MS - 2_000 });
    expect(checkProgress(d, [r, stalePeer], now, new Map([[r.id, now - MIN_UNREADY_MS - 1_000]]))).toMatchObject({
      action: "rollback",
      reason: "ReadinessFailed",
    });
    // a slow probe widens the window, the deadline caps it
    const slow = rollout({}, 1_000, { readinessProbe: { tcp: { port: 80 }, periodSeconds: 20, failureThreshold: 3 } });
    expect(unreadyThresholdMs(slow)).toBe(60_000);
  });
  it("only reports a stuck rollout without autoRollback, without a good revision, or for a rollback revision", () => {
    const off = dep(
      { revision: 2, lastGoodRevision: 1, revisionAt: now - 61_000 },
      { strategy: { progressDeadlineSeconds: 60, autoRollback: false } },
    );
    expect(checkProgress(off, [fresh({ ready: false })], now)).toMatchObject({
      action: "report",
      reason: STUCK_CONDITION,
    });
    expect(checkProgress({ ...off, revisionAt: now - 1_000 }, [fresh({ restarts: 5 })], now).action).toBe("none");
    expect(checkProgress(rollout({ lastGoodRevision: undefined }, 61_000), [fresh({ ready: false })], now).action).toBe(
      "report",
    );
    const back = rollout({ condition: { type: "RolledBack", reason: "CrashLoop", message: "", at: 0 } }, 61_000);
    expect(checkProgress(back, [fresh({ ready: false })], now).action).toBe("report");
  });
  it("clocks Running replicas from when they are first seen Running", () => {
    const clock = new RunningClock();
    const a = fresh({ phase: "Starting", ready: false });
    expect(clock.observe([a], 0).has(a.id)).toBe(false);
    expect(clock.observe([{ ...a, phase: "Running" }], 5).get(a.id)).toBe(5);
    expect(clock.observe([{ ...a, phase: "Running" }], 9).get(a.id)).toBe(5);
    expect(clock.observe([{ ...a, phase: "CrashLoopBackOff" }], 10).has(a.id)).toBe(false);
    expect(clock.observe([{ ...a, phase: "Running" }], 12).get(a.id)).toBe(12);
  });
  it("does not judge a revision twice", () => {
    const stuck = rollout(
      { condition: { type: STUCK_CONDITION, reason: STUCK_CONDITION, message: "", at: 0 } },
      61_000,
    );
    expect(checkProgress(stuck, [fresh({ ready: false })], now).action).toBe("none");
  });
});

describe("progress deadline restarts with progress", () => {
  it("takes the latest readiness of a new-revision replica as the last progress", () => {
    const dep = { revision: 2, revisionAt: 1_000, updatedAt: 0 } as Parameters<typeof lastProgressAt>[0];
    const r = (revision: number, readySince?: number) =>
      ({ revision, ready: readySince !== undefined, readySince }) as Parameters<typeof lastProgressAt>[1][number];
    expect(lastProgressAt(dep, [])).toBe(1_000);
    expect(lastProgressAt(dep, [r(2, 5_000), r(2, 3_000), r(1, 9_000)])).toBe(5_000);
  });
});
