import { describe, expect, it } from "vitest";
import type { ReplicaRecord } from "@tug/contracts";
import {
  evenlySpread,
  fairlyBalanced,
  foldBounds,
  latestSince,
  overcommitted,
  perNode,
  placementText,
  sharesText,
} from "../src/demo/outcome.js";

const rep = (node: string | null, ready = true, desired: "run" | "stop" = "run") =>
  ({ node, ready, desired }) as ReplicaRecord;

describe("demo outcome checks", () => {
  it("counts replicas per node in node order and prints them", () => {
    const counts = perNode([rep("node-10"), rep("node-2"), rep("node-2"), rep(null)]);
    expect(counts).toEqual([
      ["node-2", 2],
      ["node-10", 1],
    ]);
    expect(placementText(counts)).toBe("node-2: 2, node-10: 1");
  });

  it("calls a placement even when no node holds more than one above another, and only on the given nodes", () => {
    const nodes = ["node-1", "node-2", "node-3"];
    expect(
      evenlySpread(
        [
          ["node-1", 2],
          ["node-2", 2],
          ["node-3", 1],
        ],
        nodes,
      ),
    ).toBe(true);
    expect(
      evenlySpread(
        [
          ["node-1", 3],
          ["node-2", 2],
          ["node-3", 1],
        ],
        nodes,
      ),
    ).toBe(false);
    expect(
      evenlySpread(
        [
          ["node-1", 3],
          ["node-2", 3],
        ],
        nodes,
      ),
    ).toBe(false);
    expect(evenlySpread([["node-9", 1]], ["node-1"])).toBe(false);
    expect(evenlySpread([], [])).toBe(false);
  });

  it("finds nodes whose requests exceed their capacity", () => {
    const cap = { cpuMillis: 1000, memoryBytes: 100 };
    expect(
      overcommitted([
        { id: "a", capacity: cap, allocated: { cpuMillis: 1000, memoryBytes: 100 } },
        { id: "b", capacity: cap, allocated: { cpuMillis: 1001, memoryBytes: 1 } },
        { id: "c", capacity: cap, allocated: { cpuMillis: 1, memoryBytes: 101 } },
      ]),
    ).toEqual(["b", "c"]);
  });

  it("judges traffic shares: every replica at least half an even share, no stranger", () => {
    const counts = new Map([
      ["a", 100],
      ["b", 60],
      ["c", 50],
    ]);
    expect(sharesText(counts)).toBe("a 100, b 60, c 50");
    expect(fairlyBalanced(counts, ["a", "b", "c"], 210)).toBe(true);
    expect(fairlyBalanced(counts, ["a", "b", "c", "d"], 210)).toBe(false);
    expect(fairlyBalanced(counts, ["a", "b"], 210)).toBe(false);
    expect(
      fairlyBalanced(
        new Map([
          ["a", 190],
          ["b", 10],
        ]),
        ["a", "b"],
        200,
      ),
    ).toBe(false);
    expect(fairlyBalanced(new Map(), [], 0)).toBe(false);
  });

  it("folds the fewest ready and the most running replicas seen during a rollout", () => {
    let b = foldBounds(undefined, [rep("n"), rep("n"), rep("n", false)]);
    b = foldBounds(b, [rep("n"), rep("n", false), rep("n", false, "stop")]);
    expect(b).toEqual({ minReady: 1, maxRunning: 3 });
  });

  it("takes the newest time at or after the cause, else the fallback", () => {
    expect(latestSince([5, 20, undefined, 15], 10, 99)).toBe(20);
    expect(latestSince([5, undefined], 10, 99)).toBe(99);
  });
});
