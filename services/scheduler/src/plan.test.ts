import { describe, expect, it } from "vitest";
import type { ReplicaRecord } from "@tug/contracts";
import { node, pendingReplica } from "./records.fixture.js";
import { nodeViews, planPlacements } from "./plan.js";
import { defaultFilters, defaultScores } from "./plugins/index.js";

const pending = (over: Partial<ReplicaRecord> = {}): ReplicaRecord => pendingReplica(300, over);

describe("scheduler plan", () => {
  it("spreads a deployment evenly over nodes", () => {
    const views = nodeViews([node("a"), node("b"), node("c")], []);
    const plan = planPlacements(
      Array.from({ length: 9 }, () => pending({ resources: { cpuMillis: 10, memoryBytes: 1 } })),
      views,
      defaultFilters,
      defaultScores,
    );
    const per = new Map<string, number>();
    for (const b of plan.bind) per.set(b.node, (per.get(b.node) ?? 0) + 1);
    expect([...per.values()]).toEqual([3, 3, 3]);
  });
  it("never places more than a node can hold, and says why the rest waits", () => {
    const plan = planPlacements(
      Array.from({ length: 5 }, () => pending()),
      nodeViews([node("a")], []),
      defaultFilters,
      defaultScores,
    );
    expect(plan.bind).toHaveLength(3);
    expect(plan.unschedulable).toHaveLength(2);
    expect(plan.unschedulable[0]!.reasons[0]).toMatch(/insufficient cpu/);
  });
  it("skips NotReady, cordoned and non-matching nodes", () => {
    const views = nodeViews(
      [
        node("down", { status: "NotReady" }),
        node("cord", { cordoned: true }),
        node("b", { labels: { zone: "b" } }),
        node("a", { labels: { zone: "a" } }),
      ],
      [],
    );
    const plan = planPlacements([pending({ nodeSelector: { zone: "a" } })], views, defaultFilters, defaultScores);
    expect(plan.bind.map((b) => b.node)).toEqual(["a"]);
  });
  it("counts what already runs on a node", () => {
    const running = { ...pending(), node: "a", resources: { cpuMillis: 900, memoryBytes: 1 } };
    const plan = planPlacements(
      [pending()],
      nodeViews([node("a"), node("b")], [running]),
      defaultFilters,
      defaultScores,
    );
    expect(plan.bind.map((b) => b.node)).toEqual(["b"]);
  });
});
