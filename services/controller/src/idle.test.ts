import { describe, expect, it } from "vitest";
import type { DeploymentRecord, ReplicaRecord } from "@tug/contracts";
import { IdleBackoff, untilAvailable } from "./idle.js";

const dep = (minReadySeconds: number) => ({ strategy: { minReadySeconds } }) as unknown as DeploymentRecord;
const ready = (readySince: number) => ({ ready: true, readySince }) as unknown as ReplicaRecord;

describe("controller idle backoff", () => {
  it("doubles while passes change nothing, up to the cap, and starts over after one that acts", () => {
    const b = new IdleBackoff(500, 5_000);
    const seen = [false, false, false, false, false].map((acted) => b.next("d", acted, dep(0), [], 0));
    expect(seen).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
    expect(b.next("d", true, dep(0), [], 0)).toBe(500);
    expect(b.next("other", false, dep(0), [], 0)).toBe(1_000);
  });

  it("looks again when a ready replica becomes available by minReadySeconds", () => {
    expect(untilAvailable(dep(10), [ready(1_000), ready(4_000), { ready: false } as ReplicaRecord], 5_000)).toBe(6_000);
    expect(untilAvailable(dep(0), [ready(1_000)], 5_000)).toBeUndefined();
    const b = new IdleBackoff(500, 30_000);
    for (let i = 0; i < 5; i++) b.next("d", false, dep(2), [], 0);
    expect(b.next("d", false, dep(2), [ready(0)], 1_500)).toBe(500);
  });
});
