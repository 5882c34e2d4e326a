import { planLab } from "@tug/cluster";
import { describe, expect, it } from "vitest";
import { drawHostFault } from "./host-faults.js";
import { isGuarded } from "./manifests.js";
import { resolveChaosOptions } from "./options.js";
import { Prng } from "./prng.js";

const lab = planLab("/tmp/chaos-test", 4, "10.231.128.0/24");

describe("host faults", () => {
  it("draws partitions of 1-8 s on lab hosts, some only from the control plane, the same for the same seed", () => {
    const draws = (seed: number) => {
      const p = new Prng(seed);
      return Array.from({ length: 200 }, () => drawHostFault(p, "partition-host", lab));
    };
    const a = draws(7);
    expect(draws(7)).toEqual(a);
    for (const f of a) {
      expect(f.target).toMatch(/^host-[1-4](\/control-plane)?$/);
      expect(f.pauseMs).toBeGreaterThanOrEqual(1_000);
      expect(f.pauseMs).toBeLessThanOrEqual(8_000);
    }
    const partial = a.filter((f) => f.target.endsWith("/control-plane")).length;
    expect(partial).toBeGreaterThan(20);
    expect(partial).toBeLessThan(100);
  });

  it("a hosts run implies the process driver and one node per host; odd deployments must never run twice", () => {
    expect(resolveChaosOptions({ durationMs: 1_000, seed: 1, hosts: 4 })).toMatchObject({
      hosts: 4,
      nodes: 4,
      driver: "process",
    });
    expect(() => resolveChaosOptions({ durationMs: 1_000, seed: 1, hosts: 4, driver: "fake" })).toThrow(/process/);
    expect(() => resolveChaosOptions({ durationMs: 1_000, seed: 1, hosts: 1 })).toThrow(/hosts/);
    expect([isGuarded("chaos-1", true), isGuarded("chaos-2", true), isGuarded("chaos-1", false)]).toEqual([
      true,
      false,
      false,
    ]);
  });
});
