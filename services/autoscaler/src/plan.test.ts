import { describe, expect, it } from "vitest";
import { recommend, Stabilizer } from "./plan.js";

const a = { min: 2, max: 10, targetCPU: 50, scaleDownStabilizationSeconds: 5 };

describe("autoscaler plan", () => {
  it("scales by the ratio of value to target", () => {
    expect(recommend(a, { current: 2, ready: 2, value: 100 }).replicas).toBe(4);
    expect(recommend(a, { current: 4, ready: 4, value: 25 }).replicas).toBe(2);
  });
  it("does not round a floating-point hair up to one more replica", () => {
    const rps = { min: 2, max: 10, metric: "rps" as const, target: 5, scaleDownStabilizationSeconds: 5 };
    expect(recommend({ ...rps, max: 20 }, { current: 7, ready: 3, value: 65 / 3 }).replicas).toBe(13);
    expect(recommend(rps, { current: 8, ready: 7, value: 40 / 7 }).replicas).toBe(8);
  });
  it("does not scale up again while new replicas are not ready and the load spread over all is within tolerance", () => {
    const rps = { min: 2, max: 10, metric: "rps" as const, target: 5, scaleDownStabilizationSeconds: 5 };
    // 40.5 rps: 7 ready of 8 see 5.8 each (16% over), but over all 8 it is 5.06 (1% over)
    expect(recommend(rps, { current: 8, ready: 7, value: 40.5 / 7 }).replicas).toBe(8);
    // 60 rps over 2 ready of 6: 6 × 2 = 12 → clamped to 10
    expect(recommend(rps, { current: 6, ready: 2, value: 30 }).replicas).toBe(10);
  });
  it("holds within the 10% tolerance and without samples", () => {
    expect(recommend(a, { current: 3, ready: 3, value: 54 }).replicas).toBe(3);
    expect(recommend(a, { current: 3, ready: 3, value: undefined }).replicas).toBe(3);
  });
  it("limits a scale-up to double or +4, and respects min/max", () => {
    expect(recommend(a, { current: 2, ready: 2, value: 1000 }).replicas).toBe(6);
    expect(recommend({ ...a, max: 5 }, { current: 2, ready: 2, value: 1000 }).replicas).toBe(5);
    expect(recommend(a, { current: 3, ready: 3, value: 1 }).replicas).toBe(2);
  });
  it("scales down only to the highest recommendation of the window", () => {
    const s = new Stabilizer();
    expect(s.stabilize("d", 8, 4, 5_000, 0)).toBe(8);
    expect(s.stabilize("d", 2, 8, 5_000, 1_000)).toBe(8);
    expect(s.stabilize("d", 2, 8, 5_000, 7_000)).toBe(2);
  });
});
