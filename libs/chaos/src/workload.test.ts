import type { Bus } from "@tug/bus";
import { describe, expect, it } from "vitest";
import { AckLedger } from "./ledger.js";
import { Prng } from "./prng.js";
import { runWorkload, seededOps, type WorkloadOp } from "./workload.js";

const draw = (n: number, ...args: Parameters<typeof seededOps>): WorkloadOp[] => {
  const out: WorkloadOp[] = [];
  for (const op of seededOps(...args)) if (out.push(op) >= n) break;
  return out;
};

describe("the seeded workload", () => {
  it("gives each of several clients its own deployments", () => {
    for (let k = 0; k < 3; k++) {
      const ops = draw(300, new Prng(5 + k), 8, { client: k, clients: 3 });
      expect(new Set(ops.map((o) => o.client))).toEqual(new Set([k]));
      for (const o of ops) expect(o.index % 3 === k && o.index < 8).toBe(true);
      expect(new Set(ops.map((o) => o.index)).size).toBe(k < 2 ? 3 : 2); // 0,3,6 | 1,4,7 | 2,5
    }
  });

  it("with one client and no deletes, draws what it always drew (replays of older seeds stay valid)", () => {
    const ops = draw(200, new Prng(3), 8);
    expect(ops.every((o) => o.client === undefined && o.op !== "delete")).toBe(true);
    expect(ops[0]).toMatchObject({ op: "apply", index: 0 });
    expect(draw(200, new Prng(3), 8)).toEqual(ops);
  });

  it("deletes, and applies a deleted deployment again before any other change of it", () => {
    const ops = draw(2_000, new Prng(11), 6, { deletes: true });
    expect(ops.filter((o) => o.op === "delete").length).toBeGreaterThan(20);
    const exists = new Map<number, boolean>();
    for (const o of ops) {
      if (o.op === "scale" || o.op === "roll" || o.op === "delete") expect(exists.get(o.index)).toBe(true);
      if (o.op === "delete") expect(o.replicas).toBe(0);
      exists.set(o.index, o.op !== "delete");
    }
  });

  it("with `shared`, every client also applies the shared deployment, with templates no other client uses", () => {
    const perClient = [0, 1, 2].map((k) => draw(400, new Prng(21 + k), 8, { client: k, clients: 3, shared: 8 }));
    const rollsOf = perClient.map((ops) => new Set(ops.filter((o) => o.shared).map((o) => o.roll)));
    for (const [k, ops] of perClient.entries()) {
      const shared = ops.filter((o) => o.shared);
      expect(shared.length).toBeGreaterThan(60);
      expect(shared.every((o) => o.index === 8 && (o.op === "apply" || o.op === "roll"))).toBe(true);
      // the first change of the shared deployment brings this client's template, which no other client has
      expect(shared[0]!.op).toBe("roll");
      for (const j of [0, 1, 2]) if (j !== k) expect([...rollsOf[k]!].some((r) => rollsOf[j]!.has(r))).toBe(false);
      // and its own deployments are still its own
      expect(ops.filter((o) => !o.shared).every((o) => o.index % 3 === k && o.index < 8)).toBe(true);
    }
  });

  it("a replay sends every recorded change, at its offset, even those its window closed on", async () => {
    const script = draw(6, new Prng(9), 4).map((op, i) => ({ ...op, offsetMs: 40 * i }));
    const sent: string[] = [];
    const bus = {
      request: async (subject: string) => {
        sent.push(subject);
        return { ok: true, id: "x", revision: 1 };
      },
    } as unknown as Bus;
    const ctl = new AbortController();
    ctl.abort(); // the window closed before the first send
    const started = Date.now();
    const stats = await runWorkload({
      bus,
      prng: new Prng(1),
      ledger: new AckLedger(),
      driver: "fake",
      maxDeployments: 4,
      signal: ctl.signal,
      script,
      startedAt: started,
    });
    expect(stats.ops.map((o) => `${o.op} ${o.index}`)).toEqual(script.map((o) => `${o.op} ${o.index}`));
    expect(sent).toHaveLength(6);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });
});
