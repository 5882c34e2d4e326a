import { describe, expect, it } from "vitest";
import type { DeploymentRecord, ReplicaRecord, Template } from "@tug/contracts";
import type { DeploymentDetail } from "../src/api-types.js";
import { progressLine, rolloutProgress } from "../src/commands/rollout-status.js";

const t = (v: string): Template => ({
  command: ["node"],
  env: { VERSION: v },
  ports: [],
  resources: { cpuMillis: 50, memoryBytes: 1 },
  nodeSelector: {},
  restartPolicy: "Always",
  terminationGracePeriodSeconds: 10,
});
const rep = (revision: number, ready = true, desired: "run" | "stop" = "run") =>
  ({ id: `r${revision}-${Math.random()}`, revision, ready, desired }) as ReplicaRecord;
function detail(
  dep: Partial<DeploymentRecord>,
  templates: Record<number, string>,
  items: ReplicaRecord[],
): DeploymentDetail {
  const revision = dep.revision ?? 1;
  return {
    deployment: {
      id: "default/web",
      namespace: "default",
      name: "web",
      replicas: 3,
      revision,
      template: t(templates[revision]!),
      paused: false,
      ...dep,
    } as DeploymentRecord,
    revisions: Object.entries(templates).map(([r, v]) => ({
      revision: Number(r),
      current: Number(r) === revision,
      template: t(v),
    })),
    replicas: { total: items.length, ready: 0, byRevision: {}, items },
    events: [],
  };
}

describe("rollout status", () => {
  it("reports counts while rolling and succeeds once the revision is the last good one", () => {
    const mid = rolloutProgress(
      detail({ revision: 2, lastGoodRevision: 1 }, { 1: "1", 2: "2" }, [
        rep(1),
        rep(1),
        rep(1),
        rep(2, false),
        rep(1, true, "stop"),
      ]),
      2,
    );
    expect(progressLine(mid)).toBe("revision 2: 1 updated, 3 ready, 3 old, 3 desired");
    expect(mid.outcome).toBeUndefined();
    const done = rolloutProgress(
      detail({ revision: 2, lastGoodRevision: 2 }, { 1: "1", 2: "2" }, [rep(2), rep(2), rep(2)]),
      2,
    );
    expect(done.outcome?.ok).toBe(true);
  });
  it("counts replicas of an earlier revision with the current template as updated (after a rollback)", () => {
    const p = rolloutProgress(
      detail({ revision: 3, lastGoodRevision: 3 }, { 1: "1", 2: "2", 3: "1" }, [rep(1), rep(1), rep(3)]),
      3,
    );
    expect(p).toMatchObject({ updated: 3, old: 0, outcome: { ok: true } });
  });
  it("fails when the watched revision was rolled back, superseded, or stuck", () => {
    const cond = { type: "RolledBack", reason: "ReadinessFailed", message: "replica x not ready", at: 0 };
    expect(
      rolloutProgress(detail({ revision: 3, condition: cond }, { 1: "1", 2: "2", 3: "1" }, []), 2).outcome,
    ).toEqual({ ok: false, message: "revision 2 rolled back (ReadinessFailed): replica x not ready" });
    expect(rolloutProgress(detail({ revision: 3 }, { 2: "2", 3: "3" }, []), 2).outcome?.ok).toBe(false);
    const stuck = { type: "ProgressDeadlineExceeded", reason: "ProgressDeadlineExceeded", message: "late", at: 0 };
    expect(rolloutProgress(detail({ revision: 2, condition: stuck }, { 2: "2" }, []), 2).outcome?.ok).toBe(false);
  });
});
