import { describe, expect, it } from "vitest";
import type { DeploymentRecord, ReplicaRecord } from "@tug/contracts";
import { dep, nodes, now, rep } from "./records.fixture.js";
import { planDeployment } from "./plan.js";

describe("controller plan - scaling", () => {
  it("creates the missing replicas", () => {
    expect(planDeployment(dep(), [rep()], nodes, now).create).toBe(3);
  });
  it("retires the surplus, unbound and unready ones first", () => {
    const pending = rep({ node: null, phase: "Pending", ready: false });
    const unready = rep({ ready: false });
    const plan = planDeployment(dep({ replicas: 2 }), [rep(), rep(), pending, unready], nodes, now);
    expect(plan.retire.map((r) => r.replica.id)).toEqual([pending.id, unready.id]);
    expect(plan.create).toBe(0);
  });
  it("removes lost and failed replicas, which are then replaced", () => {
    const plan = planDeployment(
      dep({ replicas: 2 }),
      [rep(), rep({ phase: "Lost" }), rep({ phase: "Failed" })],
      nodes,
      now,
    );
    expect(plan.remove).toHaveLength(2);
    expect(plan.create).toBe(1);
  });
  it("retires everything of a deleted deployment and forgets stopped ones", () => {
    const plan = planDeployment(
      undefined,
      [rep(), rep({ desired: "stop", phase: "Stopped" }), rep({ desired: "stop", phase: "Running" })],
      nodes,
      now,
    );
    expect(plan.retire).toHaveLength(1);
    expect(plan.remove).toHaveLength(1);
  });
  it("a retired copy on a NotReady node is forgotten at once, unless it must never run twice (disconnect)", () => {
    const down = new Map([...nodes].map(([k, n]) => [k, { ...n, status: "NotReady" as const }]));
    const retired = () => rep({ desired: "stop", ready: false });
    expect(planDeployment(dep({ replicas: 2 }), [rep(), rep(), retired()], down, now).remove).toHaveLength(1);
    const guarded = dep({ replicas: 2 }, { disconnect: { stopAfterSeconds: 5 } });
    const plan = planDeployment(guarded, [rep(), rep(), retired()], down, now);
    expect(plan.remove).toHaveLength(0);
    expect(plan.progressing).toBe(true);
    expect(
      planDeployment(guarded, [rep(), rep(), rep({ desired: "stop", phase: "Lost" })], down, now).remove,
    ).toHaveLength(1);
  });
  it("records a completed revision once all replicas are ready", () => {
    expect(planDeployment(dep({ replicas: 2 }), [rep(), rep()], nodes, now).completed).toBe(1);
    expect(
      planDeployment(dep({ replicas: 2, lastGoodRevision: 1 }), [rep(), rep()], nodes, now).completed,
    ).toBeUndefined();
  });
});

describe("controller plan - rolling update", () => {
  const rolling = (over: Partial<DeploymentRecord>, reps: ReplicaRecord[]) =>
    planDeployment(
      dep({ revision: 2, ...over }, { replicas: 10, strategy: { maxSurge: 2, maxUnavailable: 0 } }),
      reps,
      nodes,
      now,
    );
  it("never exceeds desired + maxSurge and never drops below desired - maxUnavailable ready", () => {
    const old = Array.from({ length: 10 }, () => rep({ revision: 1 }));
    const p1 = rolling({}, old);
    expect(p1.create).toBe(2);
    expect(p1.retire).toHaveLength(0);
    const fresh = [rep({ revision: 2 }), rep({ revision: 2 })];
    const p2 = rolling({}, [...old, ...fresh]);
    expect(p2.create).toBe(0);
    expect(p2.retire).toHaveLength(2);
    expect(p2.retire.every((r) => r.replica.revision === 1)).toBe(true);
  });
  it("does not count new replicas before they are ready", () => {
    const old = Array.from({ length: 10 }, () => rep({ revision: 1 }));
    const p = rolling({}, [...old, rep({ revision: 2, ready: false }), rep({ revision: 2, ready: false })]);
    expect(p.retire).toHaveLength(0);
    expect(p.create).toBe(0);
  });
  it("keeps an unready old replica while the rest would fall below desired - maxUnavailable", () => {
    const old = Array.from({ length: 10 }, (_, i) => rep({ revision: 1, ready: i >= 3 }));
    const p1 = rolling({}, [...old, rep({ revision: 2 }), rep({ revision: 2, ready: false })]);
    expect(p1.retire).toHaveLength(1);
    expect(p1.retire[0]!.replica.ready).toBe(false);
    const p2 = rolling({}, [...old, rep({ revision: 2, ready: false }), rep({ revision: 2, ready: false })]);
    expect(p2.retire).toHaveLength(0);
    // one that never became ready serves nothing and is not coming back: it goes at once
    const p3 = rolling({}, [
      ...old.slice(3),
      rep({ revision: 1, ready: false, readySince: undefined }),
      rep({ revision: 2, ready: false }),
    ]);
    expect(p3.retire).toHaveLength(1);
    expect(p3.retire[0]!.replica.readySince).toBeUndefined();
  });
  it("retires unready old replicas before ready ones, and more of them when maxUnavailable allows", () => {
    const old = Array.from({ length: 10 }, (_, i) => rep({ revision: 1, ready: i >= 4 }));
    const p = planDeployment(
      dep({ revision: 2 }, { replicas: 10, strategy: { maxSurge: 0, maxUnavailable: 3 } }),
      old,
      nodes,
      now,
    );
    expect(p.retire).toHaveLength(3);
    expect(p.retire.every((r) => !r.replica.ready)).toBe(true);
  });
  it("counts old replicas still stopping against maxSurge in the last wave (found by the property test)", () => {
    // 1 replica, maxSurge 0, maxUnavailable 1: the old one was retired and still drains; a new one must wait
    const d = dep({ revision: 2 }, { replicas: 1, strategy: { maxSurge: 0, maxUnavailable: 1 } });
    const draining = rep({ revision: 1, desired: "stop", ready: false });
    expect(planDeployment(d, [draining], nodes, now)).toMatchObject({ create: 0, progressing: true });
    expect(planDeployment(d, [{ ...draining, phase: "Stopped" }], nodes, now).create).toBe(1);
    // a plain scale-up (no older revision stopping) is not held back
    expect(planDeployment(d, [rep({ desired: "stop", ready: false, revision: 2 })], nodes, now).create).toBe(1);
  });
  it("holds still while paused", () => {
    const p = rolling(
      { paused: true },
      Array.from({ length: 10 }, () => rep({ revision: 1 })),
    );
    expect(p.create + p.retire.length).toBe(0);
  });
  it("Recreate stops all old replicas before creating new ones", () => {
    const d = dep({ revision: 2 }, { replicas: 2, strategy: { type: "Recreate" } });
    const p = planDeployment(d, [rep({ revision: 1 }), rep({ revision: 1 })], nodes, now);
    expect(p.retire).toHaveLength(2);
    expect(p.create).toBe(0);
  });
});

describe("controller plan - drain", () => {
  it("replaces replicas of a draining node before retiring them", () => {
    const both = new Map(nodes);
    both.set("n2", { ...nodes.get("n1")!, id: "n2", cordoned: true, draining: true });
    const d = dep({}, { replicas: 2, strategy: { maxSurge: 1, maxUnavailable: 0 } });
    const onDrained = rep({ node: "n2" });
    const p1 = planDeployment(d, [rep(), onDrained], both, now);
    expect(p1.create).toBe(1);
    expect(p1.retire).toHaveLength(0);
    const p2 = planDeployment(d, [rep(), onDrained, rep()], both, now);
    expect(p2.retire.map((r) => r.replica.id)).toEqual([onDrained.id]);
    expect(p2.retire[0]!.reason).toMatch(/drained/);
  });
});

describe("controller plan - rollback", () => {
  it("keeps replicas of an earlier revision with the same template and retires the failed ones", () => {
    // revision 3 restores revision 1's template; 8 replicas of 1 still run, 2 of 2 failed (never ready)
    const d = dep({ revision: 3 }, { replicas: 10, strategy: { maxSurge: 2, maxUnavailable: 0 } });
    const failed = () => rep({ revision: 2, ready: false, readySince: undefined });
    const reps = [...Array.from({ length: 8 }, () => rep({ revision: 1 })), failed(), failed()];
    const p = planDeployment(d, reps, nodes, now, new Set([1]));
    expect(p.counts).toMatchObject({ updated: 8, old: 2 });
    expect(p.retire.map((r) => r.replica.revision)).toEqual([2, 2]);
    expect(p.create).toBe(2);
    // without the equivalence the 8 would be replaced one by one
    expect(planDeployment(d, reps, nodes, now).counts.updated).toBe(0);
  });
});
