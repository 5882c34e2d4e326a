/**
 * The CI-sized chaos run: a 3-node fake-driver cluster under ≥ 200 seeded faults (component, worker, NATS and
 * Redis kills, pauses) while deployments are applied, scaled and rolled; zero invariant violations, converged.
 */
import { runChaos } from "@tug/chaos";
import { describe, expect, it } from "vitest";

describe("chaos suite (CI size)", () => {
  it("survives ≥ 200 faults with zero violations and converges", async () => {
    const report = await runChaos({
      durationMs: 100_000,
      minFaults: 210,
      seed: 20_260_708,
      nodes: 3,
      driver: "fake",
      faultEveryMs: 400,
      log: (l) => console.log(`chaos: ${l}`),
    });
    console.log(report.text);
    const lines = report.text.trim().split("\n");
    expect(lines.at(-1)).toMatch(/^faults=\d+ violations=\d+ converge_s=[\d.]+$/);
    expect(report.faults.filter((f) => f.delivered).length).toBeGreaterThanOrEqual(200);
    expect(new Set(report.faults.filter((f) => f.delivered).map((f) => f.kind)).size).toBeGreaterThanOrEqual(6);
    expect(report.workload.acked).toBeGreaterThan(20);
    expect(report.violations).toEqual([]);
    expect(report.convergeSeconds).toBeLessThan(60);
  }, 280_000);
});
