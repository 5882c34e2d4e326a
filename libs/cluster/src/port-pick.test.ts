import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { joinEnv } from "./join.js";
import { resolveOptions } from "./options.js";
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

describe("fixed ports inside a replica range", () => {
  it("tug up refuses a NATS, Redis, API or DNS port inside a worker's range, naming the option", () => {
    expect(() => resolveOptions({ nodes: 2, portsFrom: 20_000, apiPort: 21_500 })).toThrow(
      /--api-port: 21500 is inside the workers' replica ports 20000-21999/,
    );
    expect(() => resolveOptions({ nodes: 2, portsFrom: 20_000, dnsPort: 20_000 })).toThrow(/--dns-port/);
    expect(resolveOptions({ nodes: 2, portsFrom: 20_000, apiPort: 22_000, natsPort: 0 }).apiPort).toBe(22_000);
  });

  it("tug worker --join refuses a health port inside its replica range", () => {
    const base = { join: "nats://10.0.0.1:4222", address: "10.0.0.2", node: "n1", portsFrom: 30_000 };
    expect(() => joinEnv({ ...base, healthPort: 30_999 })).toThrow(
      /--health-port: 30999 is inside the replica port range/,
    );
    expect(joinEnv({ ...base, healthPort: 31_000 }).TUG_HEALTH_PORT).toBe("31000");
  });
});
