import { describe, expect, it } from "vitest";
import { cpuPercent, memoryBytes, usageFromStats, type StatsSample } from "./docker-stats.js";

const sample = (total: number, system: number, pre?: { total: number; system: number }): StatsSample => ({
  cpu_stats: { cpu_usage: { total_usage: total }, system_cpu_usage: system, online_cpus: 2 },
  precpu_stats: pre ? { cpu_usage: { total_usage: pre.total }, system_cpu_usage: pre.system } : {},
  memory_stats: { usage: 100, stats: { inactive_file: 30 } },
});

describe("docker stats → usage", () => {
  it("computes cpu % as cpu delta / system delta × online cpus × 100", () => {
    expect(usageFromStats(sample(1_500, 10_000, { total: 1_000, system: 8_000 })).cpuPercent).toBeCloseTo(50);
  });

  it("falls back to our previous sample when the engine sent no precpu (one-shot), and to 0 on the first", () => {
    const s = sample(1_500, 10_000);
    expect(usageFromStats(s).cpuPercent).toBe(0);
    expect(usageFromStats(s, { cpu_usage: { total_usage: 500 }, system_cpu_usage: 6_000 }).cpuPercent).toBeCloseTo(50);
  });

  it("never reports negative or NaN cpu", () => {
    expect(
      cpuPercent(
        { cpu_usage: { total_usage: 1 }, system_cpu_usage: 1 },
        { cpu_usage: { total_usage: 5 }, system_cpu_usage: 0 },
      ),
    ).toBe(0);
    expect(cpuPercent({ cpu_usage: { total_usage: 1 } }, undefined)).toBe(0);
  });

  it("subtracts reclaimable cache from memory (cgroup v2, v1, legacy)", () => {
    expect(memoryBytes({ usage: 100, stats: { inactive_file: 30 } })).toBe(70);
    expect(memoryBytes({ usage: 100, stats: { total_inactive_file: 20 } })).toBe(80);
    expect(memoryBytes({ usage: 100, stats: { cache: 10 } })).toBe(90);
    expect(memoryBytes({ usage: 100 })).toBe(100);
    expect(memoryBytes({})).toBe(0);
  });
});
