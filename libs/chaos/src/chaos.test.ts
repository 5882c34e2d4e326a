import type { DeploymentRecord, NodeRecord } from "@tug/contracts";
import { describe, expect, it } from "vitest";
import { checkAcked, checkCapacity, checkSurge } from "./checks.js";
import { notConverged } from "./converge.js";
import { AckLedger } from "./ledger.js";
import { resolveChaosOptions } from "./options.js";
import { Prng } from "./prng.js";
import { replicaRecord } from "./records.fixture.js";
import { faultsBefore } from "./report.js";
import type { Snapshot } from "./snapshot.js";
import { ViolationBook } from "./violations.js";

const rep = replicaRecord;
const dep = (replicas: number, revision: number) => ({ id: "default/a", replicas, revision }) as DeploymentRecord;
const snap = (o: Partial<Snapshot>): Snapshot => ({
  at: 10_000,
  deployments: new Map(),
  replicas: [],
  nodes: [],
  ...o,
});

describe("chaos prng", () => {
  it("is deterministic per seed and forks independent streams", () => {
    const a = new Prng(42),
      b = new Prng(42);
    expect(Array.from({ length: 5 }, () => a.int(0, 100))).toEqual(Array.from({ length: 5 }, () => b.int(0, 100)));
    expect(new Prng(1).next()).not.toBe(new Prng(2).next());
    const w = new Prng(3);
    for (let i = 0; i < 100; i++) expect(["x", "y"]).toContain(w.weighted({ x: 1, y: 2, z: 0 }));
  });
});

describe("chaos checks", () => {
  it("flags a lost ack, but not while a change is in flight", () => {
    const l = new AckLedger();
    l.begin("default/a", 3, 0);
    l.ack("default/a", 3, 2, 0);
    const book = new ViolationBook();
    checkAcked(
      snap({ deployments: new Map([["default/a", dep(3, 2)]]) }),
      l,
      new Map([["default/a", l.epoch("default/a")]]),
      book,
    );
    expect(book.count).toBe(0);
    checkAcked(snap({ deployments: new Map() }), l, new Map([["default/a", l.epoch("default/a")]]), book);
    expect(book.list[0]!.invariant).toBe("ack-lost");
    l.begin("default/a", 1, 0);
    const quiet = new ViolationBook();
    checkAcked(
      snap({ deployments: new Map([["default/a", dep(1, 2)]]) }),
      l,
      new Map([["default/a", l.epoch("default/a")]]),
      quiet,
    );
    expect(quiet.count).toBe(0);
  });

  it("flags an acknowledged delete whose deployment is still there", () => {
    const l = new AckLedger();
    l.begin("default/a", 0, 0);
    l.ack("default/a", 0, 2, 0, true);
    const epochs = new Map([["default/a", l.epoch("default/a")]]);
    const book = new ViolationBook();
    checkAcked(snap({ deployments: new Map() }), l, epochs, book);
    expect(book.count).toBe(0);
    checkAcked(snap({ deployments: new Map([["default/a", dep(3, 2)]]) }), l, epochs, book);
    expect(book.list.map((v) => v.invariant)).toEqual(["ack-lost"]);
  });

  it("allows max(desired in the window) + surge ready replicas", () => {
    const l = new AckLedger();
    l.begin("default/a", 4, 0);
    l.ack("default/a", 4, 1, 0);
    l.begin("default/a", 1, 8_000);
    l.ack("default/a", 1, 1, 8_000);
    const ready = Array.from({ length: 5 }, (_, i) => rep(`r${i}`));
    const book = new ViolationBook();
    checkSurge(snap({ at: 10_000, replicas: ready }), l, 1, 5_000, book);
    expect(book.count).toBe(0); // 4 was still desired 2 s ago
    l.prune(0, 20_000);
    checkSurge(snap({ at: 20_000, replicas: ready }), l, 1, 5_000, book);
    expect(book.list.map((v) => v.invariant)).toEqual(["too-many-ready"]);
  });

  it("keeps the previous desired count possible while a change is in flight (it may be written late)", () => {
    const l = new AckLedger();
    l.begin("default/a", 4, 0);
    l.ack("default/a", 4, 1, 100);
    l.begin("default/a", 2, 1_000); // sent at 1 s, retried through faults, acknowledged at 7.5 s
    const ready = Array.from({ length: 4 }, (_, i) => rep(`r${i}`));
    const book = new ViolationBook();
    checkSurge(snap({ at: 7_000, replicas: ready }), l, 1, 5_000, book);
    expect(book.count).toBe(0); // 4 may still be what Redis holds: the scale to 2 is not acknowledged
    l.ack("default/a", 2, 1, 7_500);
    checkSurge(snap({ at: 12_000, replicas: ready }), l, 1, 5_000, book);
    expect(book.count).toBe(0); // 4 was superseded only 4.5 s ago
    l.prune(5_000, 13_000);
    checkSurge(snap({ at: 13_000, replicas: ready }), l, 1, 5_000, book);
    expect(book.list.map((v) => v.invariant)).toEqual(["too-many-ready"]);
    l.begin("default/a", 9, 14_000);
    l.refused("default/a");
    expect(l.maxDesiredSince("default/a", 5_000, 15_000)).toBe(2); // a refused change never was desired
  });

  it("judges a scale-down's surplus only once the controller has run for the window since it came back", () => {
    const l = new AckLedger();
    l.begin("default/a", 6, 0);
    l.ack("default/a", 6, 1, 0);
    l.begin("default/a", 4, 1_000);
    l.ack("default/a", 4, 1, 1_000);
    const ready = Array.from({ length: 6 }, (_, i) => rep(`r${i}`));
    const book = new ViolationBook();
    checkSurge(snap({ at: 9_000, replicas: ready }), l, 1, 5_000, book, 6_000); // controller back at 6 s: 3 s to act
    expect(book.count).toBe(0);
    checkSurge(snap({ at: 12_000, replicas: ready }), l, 1, 5_000, book, 6_000); // 6 s of a running controller
    expect(book.list.map((v) => v.invariant)).toEqual(["too-many-ready"]);
  });

  it("keeps a superseded count through an outage longer than the prune horizon (CI: 6 -> 2 -> 4, then Redis down)", () => {
    const l = new AckLedger();
    l.begin("default/a", 6, 0);
    l.ack("default/a", 6, 1, 0);
    l.begin("default/a", 2, 1_000);
    l.ack("default/a", 2, 1, 1_000);
    l.begin("default/a", 4, 2_000);
    l.ack("default/a", 4, 1, 2_000);
    const ready = Array.from({ length: 6 }, (_, i) => rep(`r${i}`));
    const book = new ViolationBook();
    // Redis down from 2 s to 30 s: the actor is not up, so nothing is pruned however often prune runs
    for (let t = 3_000; t <= 30_000; t += 1_000) l.prune(20_000, t, t);
    checkSurge(snap({ at: 30_500, replicas: ready }), l, 1, 5_000, book, 30_500); // Redis just back
    expect(book.count).toBe(0); // the 6 the controller never had the chance to retire is still allowed
    // once the controller has run with Redis for the window, the surplus is its fault
    checkSurge(snap({ at: 36_000, replicas: ready }), l, 1, 5_000, book, 30_500);
    expect(book.list.map((v) => v.invariant)).toEqual(["too-many-ready"]);
    l.prune(20_000, 51_000, 30_500); // and up for the prune horizon, the old counts go
    expect(l.maxDesiredSince("default/a", 5_000, 51_000, 30_500)).toBe(4);
  });

  it("flags an over-committed node", () => {
    const node = { id: "n1", capacity: { cpuMillis: 150, memoryBytes: 10 } } as NodeRecord;
    const book = new ViolationBook();
    checkCapacity(snap({ nodes: [node], replicas: [rep("a"), rep("b")] }), book);
    expect(book.list[0]!.invariant).toBe("node-overcommit");
  });

  it("judges convergence by current-revision ready replicas and no leftovers", () => {
    const s = snap({
      deployments: new Map([["default/a", dep(2, 2)]]),
      replicas: [rep("a", { revision: 2 }), rep("b", { revision: 2 }), rep("c", { desired: "stop", ready: false })],
    });
    expect(notConverged(s, ["default/a"])).toHaveLength(1);
    expect(notConverged({ ...s, replicas: s.replicas.slice(0, 2) }, ["default/a"])).toEqual([]);
    // a deleted deployment has converged once it and every replica record of it are gone
    expect(notConverged(s, [], ["default/a"])).toHaveLength(2);
    expect(notConverged({ ...s, deployments: new Map() }, [], ["default/a"])).toEqual([
      "default/a: deleted, 3 replica records left",
    ]);
    expect(notConverged({ ...s, deployments: new Map(), replicas: [] }, [], ["default/a"])).toEqual([]);
    // one whose last change got no answer: converged either way, judged as what it turned out to be
    expect(notConverged({ ...s, deployments: new Map(), replicas: [] }, [], [], ["default/a"])).toEqual([]);
    expect(notConverged({ ...s, deployments: new Map() }, [], [], ["default/a"])).toHaveLength(1);
    expect(notConverged(s, [], [], ["default/a"])).toHaveLength(1);
    expect(notConverged({ ...s, replicas: s.replicas.slice(0, 2) }, [], [], ["default/a"])).toEqual([]);
  });

  it("validates options with structured errors", () => {
    expect(() => resolveChaosOptions({ durationMs: 5_000, seed: 1, driver: "docker" })).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED", field: "driver" }),
    );
    expect(resolveChaosOptions({ durationMs: "5000", seed: "7" })).toMatchObject({
      durationMs: 5_000,
      seed: 7,
      nodes: 3,
      driver: "fake",
    });
  });
});

describe("chaos report", () => {
  it("lists the faults of the 15 s before the first violation, and nothing without one", () => {
    const faults = [
      { at: 1_000, kind: "kill-worker" as const, target: "worker-node-1", delivered: true },
      { at: 20_000, kind: "pause-worker" as const, target: "worker-node-1", pauseMs: 2_500, delivered: true },
      { at: 24_000, kind: "restart-nats" as const, target: "nats", delivered: false },
    ];
    expect(faultsBefore(faults, undefined)).toEqual([]);
    const lines = faultsBefore(faults, { at: 25_000, invariant: "replica-elsewhere", subject: "r1", detail: "x" });
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain("pause-worker worker-node-1 for 2.5 s");
    expect(lines[2]).toContain("restart-nats nats (skipped: target down)");
  });
});
