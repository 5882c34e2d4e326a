/**
 * Property tests of the autoscaler's planner (fast-check): `recommend` stays within min/max, within the scale-up
 * limit, holds inside the tolerance and never moves against the metric; the `Stabilizer` never scales below a
 * recommendation made inside its window (no flapping); and the closed loop (recommend → stabilize → replicas
 * become ready → measure) under a constant load moves one way only and settles in a bounded number of periods.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Autoscale } from "@tug/contracts";
import { recommend, Stabilizer, TOLERANCE } from "./plan.js";

/** Cases per property (TUG_PROPERTY_RUNS raises it for a deeper local search). */
const RUNS = Number(process.env.TUG_PROPERTY_RUNS ?? 1_000);
const PERIOD_MS = 1_000;

const spec: fc.Arbitrary<Autoscale> = fc
  .record({
    min: fc.integer({ min: 0, max: 10 }),
    span: fc.integer({ min: 0, max: 40 }),
    target: fc.integer({ min: 1, max: 200 }),
    window: fc.integer({ min: 0, max: 20 }),
  })
  .map(({ min, span, target, window }) => ({
    min,
    max: min + span,
    metric: "rps" as const,
    target,
    scaleDownStabilizationSeconds: window,
  }));

const clampTo = (a: Autoscale, n: number) => Math.min(a.max, Math.max(a.min, n));

describe("autoscaler plan - properties", () => {
  it("recommends within min/max and the scale-up limit, holds inside the tolerance, never against the metric", () => {
    const near = fc.double({ min: 0.8, max: 1.2, noNaN: true });
    const obs = fc.record({
      current: fc.integer({ min: 0, max: 60 }),
      readyShare: fc.double({ min: 0, max: 1, noNaN: true }),
      // the metric as a multiple of the target, often near it (the tolerance's edges), sometimes far off
      ratio: fc.option(fc.oneof(near, fc.double({ min: 0, max: 30, noNaN: true })), { nil: undefined }),
    });
    fc.assert(
      fc.property(spec, obs, (a, { current, readyShare, ratio: r }) => {
        const ready = Math.round(current * readyShare);
        const value = r === undefined ? undefined : r * a.target!;
        const { replicas } = recommend(a, { current, ready, value });
        const held = clampTo(a, current);
        expect(replicas).toBeGreaterThanOrEqual(a.min);
        expect(replicas).toBeLessThanOrEqual(a.max);
        expect(replicas).toBeLessThanOrEqual(Math.max(held, clampTo(a, Math.max(2 * current, current + 4))));
        if (value === undefined || ready === 0) return void expect(replicas).toBe(held);
        const ratio = value / a.target!;
        if (Math.abs(ratio - 1) <= TOLERANCE) expect(replicas).toBe(held);
        if (ratio > 1) expect(replicas).toBeGreaterThanOrEqual(held);
        if (ratio < 1) expect(replicas).toBeLessThanOrEqual(held);
      }),
      { numRuns: RUNS },
    );
  });

  it("never scales below a recommendation made inside the stabilization window", () => {
    const history = fc.record({
      windowMs: fc.integer({ min: 0, max: 10_000 }),
      start: fc.integer({ min: 0, max: 20 }),
      steps: fc.array(fc.record({ dt: fc.integer({ min: 0, max: 4_000 }), rec: fc.integer({ min: 0, max: 20 }) }), {
        maxLength: 40,
      }),
    });
    fc.assert(
      fc.property(history, ({ windowMs, start, steps }) => {
        const s = new Stabilizer();
        const seen: Array<{ at: number; rec: number }> = [{ at: 0, rec: start }];
        let current = start;
        let now = 0;
        for (const { dt, rec } of steps) {
          now += dt;
          seen.push({ at: now, rec });
          const next = s.stabilize("d", rec, current, windowMs, now);
          if (next < current) {
            const highest = Math.max(...seen.filter((e) => now - e.at <= windowMs).map((e) => e.rec));
            if (next < highest)
              throw new Error(`down to ${next} at ${now} ms; ${highest} was recommended in the window`);
          }
          if (rec >= current) expect(next, "a scale-up passes at once").toBe(rec);
          current = next;
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("under a constant load moves one way only and settles in a bounded number of periods", () => {
    const loop = fc.record({
      load: fc.integer({ min: 0, max: 2_000 }),
      start: fc.integer({ min: 0, max: 40 }),
      readyAfter: fc.integer({ min: 0, max: 3 }),
    });
    fc.assert(
      fc.property(spec, loop, (a, { load, start, readyAfter }) => {
        const s = new Stabilizer();
        const windowMs = a.scaleDownStabilizationSeconds * 1000;
        const bound = Math.ceil(windowMs / PERIOD_MS) + (readyAfter + 1) * 8 + 4;
        let current = clampTo(a, start);
        const counts = [current];
        const readyAt: number[] = Array.from({ length: current }, () => 0);
        for (let step = 1; step <= bound + 5; step++) {
          const now = step * PERIOD_MS;
          const ready = Math.min(current, readyAt.filter((t) => t <= now).length);
          const value = ready > 0 ? load / ready : undefined;
          const next = s.stabilize("d", recommend(a, { current, ready, value }).replicas, current, windowMs, now);
          while (readyAt.length < next) readyAt.push(now + readyAfter * PERIOD_MS);
          readyAt.length = next;
          current = next;
          counts.push(current);
        }
        const moves = counts
          .slice(1)
          .map((c, i) => Math.sign(c - counts[i]!))
          .filter((d) => d !== 0);
        expect(new Set(moves).size, `counts ${counts.join(",")}`).toBeLessThanOrEqual(1);
        expect(new Set(counts.slice(bound)).size, `counts ${counts.join(",")}`).toBe(1);
      }),
      { numRuns: RUNS },
    );
  });
});
