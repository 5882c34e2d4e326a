import { describe, expect, it } from "vitest";
import type { ReplicaRecord } from "@tug/contracts";
import { node, pendingReplica } from "./records.fixture.js";
import { nodeViews, planPlacements, sampleSize } from "./plan.js";
import { binpackScores, defaultFilters, defaultScores } from "./plugins/index.js";

const pending = (over: Partial<ReplicaRecord> = {}): ReplicaRecord => pendingReplica(10, over);
const perNode = (binds: Array<{ node: string }>) => {
  const m = new Map<string, number>();
  for (const b of binds) m.set(b.node, (m.get(b.node) ?? 0) + 1);
  return m;
};

describe("scheduler plan at large sizes", () => {
  it("samples kube-scheduler's adaptive share of nodes, all of them up to 100", () => {
    expect([sampleSize(10), sampleSize(100), sampleSize(1_000), sampleSize(5_000), sampleSize(20_000)]).toEqual([
      10, 100, 420, 500, 1000,
    ]);
  });

  it("keeps spread within 1 of even while scoring only a small sample of nodes", () => {
    const nodes = Array.from({ length: 300 }, (_, i) => node(`n${i}`, { labels: { zone: i % 3 === 0 ? "a" : "b" } }));
    const views = nodeViews(nodes, [{ ...pending({ deployment: "default/api" }), node: "n7" }]);
    const web = Array.from({ length: 1_000 }, () => pending());
    const api = Array.from({ length: 450 }, () => pending({ deployment: "default/api", nodeSelector: { zone: "a" } }));
    const plan = planPlacements([...web, ...api], views, defaultFilters, defaultScores, Math.random, { sample: 3 });
    expect(plan.unschedulable).toHaveLength(0);
    const webCounts = [...perNode(plan.bind.filter((b) => b.replica.deployment === "default/web")).values()];
    expect(webCounts).toHaveLength(300);
    expect(Math.max(...webCounts) - Math.min(...webCounts)).toBeLessThanOrEqual(1);
    const apiCounts = nodes
      .filter((_, i) => i % 3 === 0)
      .map((n) => perNode(plan.bind.filter((b) => b.replica.deployment === "default/api")).get(n.id) ?? 0);
    expect(apiCounts.reduce((a, b) => a + b, 0)).toBe(450);
    expect(Math.max(...apiCounts) - Math.min(...apiCounts)).toBeLessThanOrEqual(1);
  });

  it("says why when nothing fits, counting each node once", () => {
    const views = nodeViews([node("a"), node("b", { status: "NotReady" })], []);
    const plan = planPlacements(
      Array.from({ length: 150 }, () => pending({ resources: { cpuMillis: 10, memoryBytes: 1 } })),
      views,
      defaultFilters,
      defaultScores,
    );
    expect(plan.bind).toHaveLength(100);
    expect(plan.unschedulable[0]!.reasons).toHaveLength(2);
  });

  it("bin-packs: fills one node before the next", () => {
    const views = nodeViews(
      Array.from({ length: 4 }, (_, i) => node(`n${i}`)),
      [],
    );
    const plan = planPlacements(
      Array.from({ length: 10 }, () => pending({ resources: { cpuMillis: 250, memoryBytes: 1 } })),
      views,
      defaultFilters,
      binpackScores,
    );
    expect([...perNode(plan.bind).values()].sort()).toEqual([2, 4, 4]);
  });
});
