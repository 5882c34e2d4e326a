import type { ReplicaStatus } from "@tug/contracts";
import { describe, expect, it } from "vitest";
import { StatusCache } from "./ingest.js";

const status = (ready: boolean): ReplicaStatus => ({ id: "web-1-a", phase: "Running", ready, restarts: 0 });

/** What a health-monitor with `cache` applies of one report of `node` (seq `seq` of worker instance `w1`). */
function apply(cache: StatusCache, seq: number | undefined, s: ReplicaStatus): boolean {
  cache.follows("n1", "w1", seq);
  return cache.isNew("n1", s, 1_000);
}

describe("StatusCache", () => {
  it("skips an unchanged status while it sees every report of the node", () => {
    const c = new StatusCache(60_000);
    expect(apply(c, 0, status(true))).toBe(true);
    expect(apply(c, 1, status(true))).toBe(false);
    expect(apply(c, 2, status(false))).toBe(true);
    expect(apply(c, 3, status(false))).toBe(false);
  });

  it("with two health-monitors, never skips a status the other one changed in between", () => {
    const [a, b] = [new StatusCache(60_000), new StatusCache(60_000)];
    expect(apply(a, 0, status(false))).toBe(true); // A applies not ready
    expect(apply(b, 1, status(true))).toBe(true); // B applies ready
    // not ready again, back at A: what A remembers (not ready) is no longer what Redis has
    expect(apply(a, 2, status(false))).toBe(true);
  });

  it("forgets the node when its worker restarted (another instance numbers from 0 again)", () => {
    const c = new StatusCache(60_000);
    expect(apply(c, 0, status(true))).toBe(true);
    c.follows("n1", "w2", 0);
    expect(c.isNew("n1", status(true), 1_000)).toBe(true);
  });

  it("keeps the old behaviour for reports without a number", () => {
    const c = new StatusCache(60_000);
    expect(apply(c, undefined, status(true))).toBe(true);
    expect(apply(c, undefined, status(true))).toBe(false);
  });

  it("applies a node's statuses again between maxAge and twice that, at a time fixed per node (spread, no burst)", () => {
    const c = new StatusCache(1_000);
    const nodes = Array.from({ length: 100 }, (_, i) => `node-${i}`);
    for (const n of nodes) expect(c.isNew(n, status(true), 0)).toBe(true);
    for (const n of nodes) expect(c.isNew(n, status(true), 999)).toBe(false);
    // by 2 × maxAge every node's entries have expired once; count how many expired in each tenth of the range
    const expiredIn = Array.from({ length: 11 }, () => 0);
    for (let t = 1_000; t <= 2_000; t += 100) {
      for (const n of nodes) if (c.isNew(n, status(true), t)) expiredIn[(t - 1_000) / 100]!++;
    }
    expect(expiredIn.reduce((a, b) => a + b, 0)).toBe(100);
    expect(Math.max(...expiredIn), String(expiredIn)).toBeLessThan(25);
  });
});
