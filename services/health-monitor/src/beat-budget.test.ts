import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { advisedBeatMs, GRACE_BEATS, stretchedGraceMs } from "./beat-budget.js";

describe("heartbeat budget", () => {
  it("asks nothing of a cluster within the budget, and one beat per nodes/max seconds above it", () => {
    expect(advisedBeatMs(200, 500)).toBe(0);
    expect(advisedBeatMs(500, 500)).toBe(0);
    expect(advisedBeatMs(1_000, 500)).toBe(2_000);
    expect(advisedBeatMs(5_000, 500)).toBe(10_000);
    expect(advisedBeatMs(501, 500)).toBe(1_100); // rounded up to 100 ms
    expect(advisedBeatMs(1_000, 0)).toBe(0); // no budget
  });

  it("keeps the beats a second within the budget, whatever the cluster's size", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 10_000 }), (nodes, max) => {
        const p = advisedBeatMs(nodes, max);
        if (nodes <= max) return p === 0;
        // the shortest period (in 100 ms steps) that keeps the beats within the budget
        return p % 100 === 0 && (nodes * 1000) / p <= max && (nodes * 1000) / (p - 100) > max;
      }),
    );
  });

  it("stretches the grace to cover GRACE_BEATS of the longest period, never below the configured grace", () => {
    expect(stretchedGraceMs(2_000, 0)).toBe(2_000);
    expect(stretchedGraceMs(10_000, 2_000)).toBe(10_000);
    expect(stretchedGraceMs(2_000, 10_000)).toBe(GRACE_BEATS * 10_000);
  });
});
