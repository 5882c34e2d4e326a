import { describe, expect, it } from "vitest";
import { checkHistory, type HistoryOp } from "./history.js";

const op = (id: string, sentAt: number, outcome: HistoryOp["outcome"], replicas: number, revision = 1): HistoryOp => ({
  id,
  op: "scale",
  replicas,
  sentAt,
  endedAt: sentAt + 1,
  outcome,
  ...(outcome === "ok" ? { acked: { replicas, revision } } : {}),
});

describe("the history check", () => {
  it.each([
    [
      "the last acknowledged value is final",
      [op("a", 1, "ok", 2), op("a", 2, "ok", 3)],
      { replicas: 3, revision: 1 },
      0,
    ],
    ["an acknowledged value lost", [op("a", 1, "ok", 2), op("a", 2, "ok", 3)], { replicas: 2, revision: 1 }, 1],
    ["an acknowledged object missing", [op("a", 1, "ok", 2)], undefined, 1],
    [
      "a later unknown may have superseded it",
      [op("a", 1, "ok", 2), op("a", 2, "unknown", 5)],
      { replicas: 5, revision: 1 },
      0,
    ],
    [
      "a later refusal changes nothing",
      [op("a", 1, "ok", 2), op("a", 2, "refused", 5)],
      { replicas: 5, revision: 1 },
      1,
    ],
  ])("%s", (_what, history, final, lost) => {
    const v = checkHistory(history, new Map([["a", final]]));
    expect(v.lost.length).toBe(lost);
    expect(v.operations).toBe(history.length);
  });
});
