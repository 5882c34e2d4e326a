import type { DeploymentRecord, ReplicaRecord, Strategy } from "@tug/contracts";
import { describe, expect, it } from "vitest";
import { AvailabilityWatch, FaultWindows } from "./availability.js";
import { replicaRecord } from "./records.fixture.js";
import type { Snapshot } from "./snapshot.js";
import { ViolationBook } from "./violations.js";

const ID = "default/a";
const strategy: Strategy = {
  type: "RollingUpdate",
  maxSurge: 1,
  maxUnavailable: 0,
  minReadySeconds: 0,
  progressDeadlineSeconds: 60,
  autoRollback: false,
};
const dep = (replicas: number, revision = 2, over: Partial<Strategy> = {}) =>
  ({ id: ID, replicas, revision, strategy: { ...strategy, ...over } }) as DeploymentRecord;
const rep = (id: string, revision: number, o: Partial<ReplicaRecord> = {}): ReplicaRecord =>
  replicaRecord(id, { deployment: ID, revision, ...o });

/** A snapshot of deployment `d` with `replicas` at `t`. */
const at = (t: number, replicas: ReplicaRecord[], d = dep(3)): Snapshot => ({
  at: t,
  deployments: new Map([[ID, d]]),
  replicas,
  nodes: [],
});

/**
 * A rolling update of 3 replicas from revision 1 to 2 (maxSurge 1, maxUnavailable 0), one snapshot per step:
 * each step a new replica is created and becomes ready, then the planner retires old ones. `retireOnReady` is how
 * many old replicas it retires per new one that became ready: 1 is right, 3 is a planner that ignores
 * maxUnavailable.
 */
function rollout(retireOnReady: number): Snapshot[] {
  const replicas = [rep("o1", 1), rep("o2", 1), rep("o3", 1)];
  const snaps: Snapshot[] = [];
  const snap = () =>
    snaps.push(
      at(
        1_000 * snaps.length,
        replicas.map((r) => ({ ...r })),
      ),
    );
  snap();
  for (let n = 1; replicas.some((r) => r.revision === 1 && r.desired === "run"); n++) {
    replicas.push(rep(`n${n}`, 2, { ready: false }));
    snap();
    replicas.find((r) => r.id === `n${n}`)!.ready = true;
    snap();
    const old = replicas.filter((r) => r.revision === 1 && r.desired === "run").slice(0, retireOnReady);
    for (const r of old) Object.assign(r, { desired: "stop", ready: false });
    snap();
  }
  return snaps;
}

function watchAll(snaps: Snapshot[], windows = new FaultWindows()): ViolationBook {
  const book = new ViolationBook();
  const w = new AvailabilityWatch(windows, book);
  for (const s of snaps) w.check(s);
  return book;
}

describe("chaos availability check", () => {
  it("is quiet for a planner that keeps desired − maxUnavailable ready", () => {
    expect(watchAll(rollout(1)).list).toEqual([]);
  });

  it("fires on a deliberately broken planner that retires more old replicas than maxUnavailable allows", () => {
    const book = watchAll(rollout(3));
    expect(book.list.map((v) => v.invariant)).toEqual(["too-few-ready"]);
    expect(book.list[0]!.detail).toMatch(/1 ready replicas \(was 4\), at least 3 wanted/);
  });

  it("holds nothing against the planner inside a fault window on a node of the deployment", () => {
    const windows = new FaultWindows();
    windows.add({ at: 0, kind: "pause-worker", target: "worker-n1", pauseMs: 1_000, delivered: true });
    const snaps = rollout(3);
    expect(watchAll(snaps, windows).count).toBe(0);
    const elsewhere = new FaultWindows();
    elsewhere.add({ at: 0, kind: "kill-worker", target: "worker-n9", delivered: true });
    elsewhere.add({ at: 0, kind: "kill-component", target: "controller-1", delivered: true });
    expect(watchAll(snaps, elsewhere).count).toBe(1);
  });

  it("does not count replicas that turned unready by themselves, a scale-down, or a Recreate", () => {
    const base = [rep("a", 2), rep("b", 2), rep("c", 2)];
    const blip = [at(0, base), at(1_000, [rep("a", 2, { ready: false }), ...base.slice(1)])];
    expect(watchAll(blip).count).toBe(0);
    const down = [at(0, base), at(1_000, [rep("a", 2, { desired: "stop", ready: false }), ...base.slice(1)], dep(2))];
    expect(watchAll(down).count).toBe(0);
    const recreate = dep(3, 2, { type: "Recreate" });
    const stopped = base.map((r) => ({ ...r, revision: 1, desired: "stop" as const, ready: false }));
    expect(watchAll([at(0, base, recreate), at(1_000, stopped, recreate)]).count).toBe(0);
  });
});
