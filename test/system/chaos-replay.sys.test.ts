/**
 * A chaos run replayed from its script (what `tug chaos run --replay FILE` does): a short seeded run on a 3-node
 * fake cluster, then the same schedule again on a fresh cluster. The replay injects the recorded faults (same kinds,
 * same targets, same pause lengths) and sends the recorded changes in the same order, and both runs keep every
 * invariant.
 */
import { runChaos } from "@tug/chaos";
import { describe, expect, it } from "vitest";

describe("chaos replay", () => {
  it("runs a recorded schedule again, fault for fault and change for change", async () => {
    const first = await runChaos({ durationMs: 8_000, seed: 424_242, nodes: 3, driver: "fake", faultEveryMs: 400 });
    expect(first.violations, first.text).toEqual([]);
    const script = first.script;
    expect(script.faults.length).toBeGreaterThan(5);
    expect(script.workload.length).toBeGreaterThan(5);

    const again = await runChaos({ durationMs: 1_000, seed: 0, replay: script });
    expect(again.violations, again.text).toEqual([]);
    expect(again.seed).toBe(424_242);
    const shape = (fs: Array<{ kind: string; target: string; pauseMs?: number }>) =>
      fs.map((f) => `${f.kind} ${f.target} ${f.pauseMs ?? ""}`);
    expect(shape(again.faults)).toEqual(shape(script.faults));
    const ops = (w: typeof script.workload) => w.map((o) => `${o.op} ${o.index} ${o.replicas} ${o.roll}`);
    expect(ops(again.workload.ops)).toEqual(ops(script.workload));
  }, 180_000);
});
