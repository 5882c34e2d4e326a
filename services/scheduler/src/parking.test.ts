import { describe, expect, it } from "vitest";
import { UnschedulableQueue } from "./parking.js";

describe("scheduler unschedulable queue", () => {
  it("keeps a parked replica out of passes until its backoff runs out, doubling per attempt", () => {
    const q = new UnschedulableQueue(1_000, 8_000);
    q.park("a", q.current, 0);
    expect(q.due(["a", "b"], 500)).toEqual(["b"]);
    expect(q.due(["a"], 1_300)).toEqual(["a"]);
    q.park("a", q.current, 1_300);
    expect(q.due(["a"], 2_900)).toEqual([]);
    expect(q.due(["a"], 3_800)).toEqual(["a"]);
    for (let i = 0; i < 10; i++) q.park("a", q.current, 10_000);
    expect(q.nextRetryIn(10_000)).toBeLessThanOrEqual(8_000 * 1.2);
  });

  it("releases every replica parked before a capacity change, not those parked after it", () => {
    const q = new UnschedulableQueue(60_000, 60_000);
    const before = q.current;
    q.park("a", before, 0);
    q.capacityChanged();
    q.park("b", q.current, 0);
    expect(q.due(["a", "b"], 1)).toEqual(["a"]);
  });

  it("forgets replicas that are no longer pending, and says when to look again", () => {
    const q = new UnschedulableQueue(1_000, 1_000);
    expect(q.nextRetryIn(0)).toBeUndefined();
    q.park("a", q.current, 0);
    q.park("b", q.current, 0);
    expect(q.size).toBe(2);
    q.due(["b"], 0);
    q.forget("b");
    expect(q.size).toBe(0);
  });
});
