import { describe, expect, it } from "vitest";
import { CpuSampler, isAlive, parseProcStat, readEnviron, readRssBytes } from "./proc-stats.js";

describe("proc stats", () => {
  it("parses /proc/<pid>/stat even when the command name has spaces and parens", () => {
    const line = "1234 (my (odd) cmd) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1 0 100 1000 200";
    expect(parseProcStat(line)).toEqual({ state: "S", cpuTicks: 300 });
    expect(parseProcStat("garbage")).toBeUndefined();
  });

  it("turns tick deltas into percent of one core", () => {
    const s = new CpuSampler();
    expect(s.record(1, 1000, 10_000)).toBe(0);
    expect(s.record(1, 1050, 11_000)).toBeCloseTo(50);
    expect(s.record(1, 1250, 12_000)).toBeCloseTo(200);
  });

  it("reads our own process", async () => {
    expect(await isAlive(process.pid)).toBe(true);
    expect((await readRssBytes(process.pid))!).toBeGreaterThan(1_000_000);
    expect((await readEnviron(process.pid)).some((e) => e.startsWith("PATH="))).toBe(true);
    expect(await isAlive(2 ** 22 + 12345)).toBe(false);
  });
});
