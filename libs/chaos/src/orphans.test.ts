import type { ReplicaRecord } from "@tug/contracts";
import { describe, expect, it } from "vitest";
import { OrphanWatch } from "./orphans.js";
import type { Snapshot } from "./snapshot.js";
import { ViolationBook } from "./violations.js";

const status = (ids: string[]) => ({
  node: "node-1",
  instance: "w1",
  address: "127.0.0.1",
  replicas: ids.map((id) => ({ id, deployment: "default/a", revision: 1, phase: "Running", ready: true, restarts: 0 })),
});
const bound = (id: string, node: string) => ({ id, node }) as ReplicaRecord;

/** Feeds a status report every 500 ms from t0 to t1 with a fresh snapshot each time. */
function feed(w: OrphanWatch, snap: { s: Snapshot }, ids: string[], t0: number, t1: number): void {
  for (let t = t0; t <= t1; t += 500) {
    snap.s = { ...snap.s, at: t };
    w.observe(status(ids), t);
  }
}

describe("OrphanWatch", () => {
  const empty: Snapshot = { at: 0, deployments: new Map(), replicas: [], nodes: [] };

  it("flags a replica reported Running with no record for longer than the limit", () => {
    const book = new ViolationBook();
    const snap = { s: empty };
    const w = new OrphanWatch(3_000, book, () => snap.s);
    feed(w, snap, ["r1"], 0, 3_000);
    expect(book.count).toBe(0);
    feed(w, snap, ["r1"], 3_500, 4_000);
    expect(book.list[0]).toMatchObject({ invariant: "replica-elsewhere", subject: "r1" });
  });

  it("does not flag a replica that runs where it is bound", () => {
    const book = new ViolationBook();
    const snap = { s: { ...empty, replicas: [bound("r1", "node-1")] } };
    const w = new OrphanWatch(1_000, book, () => snap.s);
    feed(w, snap, ["r1"], 0, 5_000);
    expect(book.count).toBe(0);
  });

  it("restarts the clock while no one can answer the worker's sync", () => {
    const book = new ViolationBook();
    const snap = { s: empty };
    const w = new OrphanWatch(
      3_000,
      book,
      () => snap.s,
      (now) => now < 1_000 || now >= 4_000,
    );
    feed(w, snap, ["r1"], 0, 6_500);
    expect(book.count).toBe(0); // the clock restarted at 4 s: 2.5 s of a possible sync
    feed(w, snap, ["r1"], 7_000, 7_500);
    expect(book.count).toBeGreaterThan(0);
  });

  it("restarts the clock while the worker says its syncs go unanswered (its NATS server cut off from the rest)", () => {
    const book = new ViolationBook();
    const snap = { s: empty };
    const w = new OrphanWatch(3_000, book, () => snap.s);
    for (let t = 0; t <= 6_500; t += 500) {
      snap.s = { ...snap.s, at: t };
      // the worker's last answered sync was long ago until 5 s, then it syncs again
      w.observe({ ...status(["r1"]), sinceSyncMs: t < 5_000 ? 4_000 + t : 100 }, t);
    }
    expect(book.count).toBe(0);
    feed(w, snap, ["r1"], 7_000, 8_500);
    expect(book.count).toBeGreaterThan(0);
  });

  it("reads an `unchanged` report as the full report it repeats (same instance and digest), else not at all", () => {
    const book = new ViolationBook();
    const snap = { s: empty };
    const w = new OrphanWatch(3_000, book, () => snap.s);
    const unchanged = (digest: string, instance = "w1") => ({ ...status([]), instance, digest, unchanged: true });
    w.observe({ ...status(["r1"]), digest: "d1" }, 0);
    for (let t = 500; t <= 4_000; t += 500) {
      snap.s = { ...empty, at: t };
      w.observe(t < 2_000 ? unchanged("other") : unchanged("d1", t < 2_500 ? "w2" : "w1"), t);
    }
    // observed continuously only from 2.5 s (before: unknown digest, then another instance): not yet over the limit
    expect(book.count).toBe(0);
    for (let t = 4_500; t <= 6_000; t += 500) {
      snap.s = { ...empty, at: t };
      w.observe(unchanged("d1"), t);
    }
    expect(book.list[0]).toMatchObject({ invariant: "replica-elsewhere", subject: "r1" });
  });
});
