import type { ReplicaStatus } from "@tug/contracts";
import { statusSchema } from "@tug/contracts";
import { describe, expect, it } from "vitest";
import { StatusReporter } from "./status.js";

const node = { node: "n1", instance: "w1", address: "127.0.0.1" };
const running = (ready: boolean): ReplicaStatus[] => [{ id: "web-1-a", phase: "Running", ready, restarts: 0 }];

describe("worker status reports", () => {
  it("says only `unchanged` on a periodic report while nothing changed, full on a change and every fullEveryMs", () => {
    const r = new StatusReporter(node, 1_000, 10_000);
    const kinds = [
      r.next(running(true), true, 0), // first: full
      r.next(running(true), true, 1_000), // same: unchanged
      r.next(running(false), true, 2_000), // changed: full
      r.next(running(false), true, 3_000),
      r.next(running(false), false, 4_000), // sent on change: always full
      r.next(running(false), true, 13_999),
      r.next(running(false), true, 14_000), // 10 s after the last full one: full
    ];
    expect(kinds.map((k) => (k.unchanged ? "u" : "f")).join("")).toBe("fufufuf");
    expect(kinds.map((k) => k.seq)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    for (const k of kinds) {
      expect(statusSchema.safeParse(k).success).toBe(true);
      if (k.unchanged) expect(k.replicas).toEqual([]);
    }
    // an unchanged report names the digest of the full one it repeats
    expect(kinds[1]!.digest).toBe(kinds[0]!.digest);
    expect(kinds[2]!.digest).not.toBe(kinds[0]!.digest);
  });

  it("sends every report in full when fullEveryMs is no longer than the period (the default for workers)", () => {
    const r = new StatusReporter(node, 1_000, 1_000);
    // reports a timer's jitter apart, less than the period: still each one full, and no digest computed
    const reports = [0, 400, 900].map((t) => r.next(running(true), true, t));
    expect(reports.map((x) => x.unchanged)).toEqual([undefined, undefined, undefined]);
    expect(reports.map((x) => x.digest)).toEqual([undefined, undefined, undefined]);
  });

  it("rejects an unchanged report that carries replicas or no digest", () => {
    const base = { ...node, seq: 1, unchanged: true };
    expect(statusSchema.safeParse({ ...base, digest: "d", replicas: running(true) }).success).toBe(false);
    expect(statusSchema.safeParse({ ...base, replicas: [] }).success).toBe(false);
    expect(statusSchema.safeParse({ ...base, digest: "d", replicas: [] }).success).toBe(true);
  });
});
