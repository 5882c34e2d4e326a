import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { freePortsOutside, inRanges, type PortRange, workerPortRanges } from "./port-pick.js";

/** The kernel's ephemeral range: where plain `listen(0)` ports come from. */
function ephemeral(): PortRange {
  const [first, last] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
  return [first!, last!];
}

describe("ports outside the workers' ranges", () => {
  it("gives worker i the 1000 ports from portsFrom + (i-1)*1000", () => {
    expect(workerPortRanges(40_000, 2)).toEqual([
      [40_000, 40_999],
      [41_000, 41_999],
    ]);
    expect(inRanges(41_999, workerPortRanges(40_000, 2))).toBe(true);
    expect(inRanges(42_000, workerPortRanges(40_000, 2))).toBe(false);
  });

  it("never hands out a port in a worker's range, even when the ranges cover the whole ephemeral range", async () => {
    const [first, last] = ephemeral();
    const nodes = Math.ceil((last - first + 1) / 1000);
    const ranges = workerPortRanges(first, nodes);
    const ports = await freePortsOutside(12, ranges);
    expect(new Set(ports).size).toBe(12);
    for (const p of ports) expect(inRanges(p, ranges), `port ${p}`).toBe(false);
  });
});
