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
    expect(recommend(rps, { current: 6, ready: 6, value: 40 / 6 }).replicas).toBe(8);
    expect(recommend(rps, { current: 8, ready: 7, value: 40 / 7 }).replicas).toBe(8);
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
