/**
 * The concurrent history check against a simulated register: several clients' scales and rolls of one deployment,
 * overlapping at random, each taking effect at a random moment of its own interval (an unanswered one at any moment
 * after its send, or never). Whatever the interleaving, the true final state is never called a loss; a final count
 * nobody asked for, or a deployment gone without a delete, always is.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkHistory, type HistoryOp } from "./history.js";

const ID = "default/shared";

interface Drawn {
  op: "scale" | "roll";
  replicas: number;
  sentAt: number;
  took: number;
  outcome: HistoryOp["outcome"];
  /** Where in its interval (or after its send, when unanswered) its effect lands; undefined = never. */
  at: number | undefined;
}

const drawn = fc
  .record({
    op: fc.constantFrom("scale" as const, "roll" as const),
    replicas: fc.integer({ min: 1, max: 6 }),
    sentAt: fc.integer({ min: 0, max: 1_000 }),
    took: fc.integer({ min: 1, max: 300 }),
    outcome: fc.constantFrom<HistoryOp["outcome"]>("ok", "ok", "ok", "unknown", "refused"),
    where: fc.double({ min: 0, max: 1, noNaN: true }),
    late: fc.integer({ min: 0, max: 3_000 }),
    never: fc.boolean(),
  })
  .map((d): Drawn => ({
    ...d,
    at:
      d.outcome === "ok"
        ? d.sentAt + d.where * d.took
        : d.outcome === "unknown" && !d.never
          ? d.sentAt + d.late
          : undefined,
  }));

/** Runs the effects in time order from a created deployment (1 copy, revision 1); returns history and final. */
function simulate(ops: Drawn[]): { history: HistoryOp[]; final: { replicas: number; revision: number } } {
  const state = { replicas: 1, revision: 1 };
  const acked = new Map<Drawn, { replicas: number; revision: number }>();
  for (const d of ops.filter((o) => o.at !== undefined).sort((a, b) => a.at! - b.at!)) {
    state.replicas = d.replicas;
    if (d.op === "roll") state.revision++;
    acked.set(d, { ...state });
  }
  const created: HistoryOp = {
    ...{ id: ID, op: "apply", replicas: 1, sentAt: -100, endedAt: -90, outcome: "ok" },
    acked: { replicas: 1, revision: 1 },
  };
  const history = ops.map((d): HistoryOp => ({
    id: ID,
    op: d.op,
    replicas: d.replicas,
    sentAt: d.sentAt,
    endedAt: d.sentAt + d.took,
    outcome: d.outcome,
    ...(d.outcome === "ok" ? { acked: acked.get(d) } : {}),
  }));
  return { history: [created, ...history], final: state };
}

/** At least two operations that overlap: the concurrent check is the one judging. */
const concurrent = fc
  .array(drawn, { minLength: 2, maxLength: 12 })
  .filter((ops) => ops.some((a) => ops.some((b) => a !== b && b.sentAt >= a.sentAt && b.sentAt < a.sentAt + a.took)));

describe("the history check of an object several clients change at once", () => {
  it("never calls the true final state a loss, whatever the interleaving", () => {
    fc.assert(
      fc.property(concurrent, (ops) => {
        const { history, final } = simulate(ops);
        expect(checkHistory(history, new Map([[ID, final]])).lost).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it("always finds a count nobody asked for, and a deployment gone without a delete", () => {
    fc.assert(
      fc.property(concurrent, (ops) => {
        const { history, final } = simulate(ops);
        expect(checkHistory(history, new Map([[ID, { ...final, replicas: 99 }]])).lost.length).toBeGreaterThan(0);
        expect(checkHistory(history, new Map([[ID, undefined]])).lost.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it("finds a value overwritten by an acknowledged write sent after it was acknowledged", () => {
    const op = (sentAt: number, replicas: number): HistoryOp => ({
      ...{ id: ID, op: "scale", replicas, sentAt, endedAt: sentAt + 10, outcome: "ok" },
      acked: { replicas, revision: 1 },
    });
    // 2 and 3 overlap (either may be last); 4 was sent after both were acknowledged, so only 4 may be final
    const created = { ...op(-100, 1), op: "apply" as const };
    const history = [created, op(0, 2), op(5, 3), op(30, 4), op(32, 5)];
    const judge = (replicas: number) => checkHistory(history, new Map([[ID, { replicas, revision: 1 }]])).lost.length;
    expect([2, 3, 4, 5].map(judge)).toEqual([1, 1, 0, 0]);
  });
});
