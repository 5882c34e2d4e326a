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

const del = (id: string, sentAt: number, outcome: HistoryOp["outcome"]): HistoryOp => ({
  ...op(id, sentAt, outcome, 0),
  op: "delete",
  ...(outcome === "ok" ? { acked: { replicas: 0, revision: 1, deleted: true } } : {}),
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
    ["an acknowledged delete is gone", [op("a", 1, "ok", 2), del("a", 2, "ok")], undefined, 0],
    ["an acknowledged delete still there", [op("a", 1, "ok", 2), del("a", 2, "ok")], { replicas: 2, revision: 1 }, 1],
    ["applied again after a delete", [del("a", 1, "ok"), op("a", 2, "ok", 3, 1)], { replicas: 3, revision: 1 }, 0],
    [
      "a delete of unknown outcome may or may not have happened",
      [op("a", 1, "ok", 2), del("a", 2, "unknown")],
      undefined,
      0,
    ],
  ])("%s", (_what, history, final, lost) => {
    const v = checkHistory(history, new Map([["a", final]]));
    expect(v.lost.length).toBe(lost);
    expect(v.operations).toBe(history.length);
  });
});
