import { describe, expect, it } from "vitest";
import { type DeploymentRecord, manifestSchema, type NodeRecord, type ReplicaRecord, templateOf, validate } from "@tug/contracts";
import { planDeployment } from "./plan.js";

const now = 1_000_000;
function dep(over: Partial<DeploymentRecord> = {}, manifest: Record<string, unknown> = {}): DeploymentRecord {
  const m = validate(manifestSchema, { name: "web", command: ["x"], replicas: 4, ...manifest });
  return { id: "default/web", namespace: "default", name: "web", replicas: m.replicas, revision: 1, template: templateOf(m), strategy: m.strategy, revisionHistoryLimit: 10, labels: {}, paused: false, gen: 1, createdAt: 0, updatedAt: 0, ...over };
}
let seq = 0;
function rep(over: Partial<ReplicaRecord> = {}): ReplicaRecord {
  seq++;
  return { id: `r${seq}`, deployment: "default/web", revision: 1, node: "n1", desired: "run", phase: "Running", ready: true, readySince: 0, restarts: 0, resources: { cpuMillis: 100, memoryBytes: 1 }, nodeSelector: {}, gen: 1, createdAt: seq, updatedAt: 0, ...over };
}
const nodes = new Map<string, NodeRecord>([["n1", { id: "n1", address: "127.0.0.1", capacity: { cpuMillis: 1000, memoryBytes: 1 << 30 }, labels: {}, driver: "fake", status: "Ready", cordoned: false, draining: false, instance: "i", lastHeartbeat: now, registeredAt: 0, gen: 1 }]]);

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
    const plan = planDeployment(dep({ replicas: 2 }), [rep(), rep({ phase: "Lost" }), rep({ phase: "Failed" })], nodes, now);
    expect(plan.remove).toHaveLength(2);
    expect(plan.create).toBe(1);
  });
  it("retires everything of a deleted deployment and forgets stopped ones", () => {
    const plan = planDeployment(undefined, [rep(), rep({ desired: "stop", phase: "Stopped" }), rep({ desired: "stop", phase: "Running" })], nodes, now);
    expect(plan.retire).toHaveLength(1);
    expect(plan.remove).toHaveLength(1);
  });
  it("records a completed revision once all replicas are ready", () => {
    expect(planDeployment(dep({ replicas: 2 }), [rep(), rep()], nodes, now).completed).toBe(1);
    expect(planDeployment(dep({ replicas: 2, lastGoodRevision: 1 }), [rep(), rep()], nodes, now).completed).toBeUndefined();
  });
});

describe("controller plan - rolling update", () => {
  const rolling = (over: Partial<DeploymentRecord>, reps: ReplicaRecord[]) =>
    planDeployment(dep({ revision: 2, ...over }, { replicas: 10, strategy: { maxSurge: 2, maxUnavailable: 0 } }), reps, nodes, now);
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
  it("holds still while paused", () => {
    const p = rolling({ paused: true }, Array.from({ length: 10 }, () => rep({ revision: 1 })));
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
