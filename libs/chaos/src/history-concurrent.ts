/**
 * The history check of an object that several clients changed at once (the workload's shared deployment): with
 * overlapping operations there is no "last" one, so the final state is judged the way Jepsen judges a register. An
 * operation may have taken effect at any moment between its send and its answer (an unanswered one at any moment
 * after its send), so a value is *definitely superseded* only when another acknowledged write of the same field was
 * sent after the first one was answered. The final state must be explained by writes not definitely superseded,
 * field by field: presence (deletes against the rest), the desired count (applies, rolls, scales) and the revision
 * (applies and rolls). A field no such write explains is an acknowledged write lost (or a value nobody wrote).
 */
import type { FinalState, HistoryOp, HistoryVerdict } from "./history-types.js";

type Final = FinalState extends Map<string, infer V> ? V : never;

/** Every operation writes presence and the count (a delete: absent); all but scales write the revision. */
const writesAll = () => true;
const writesRevision = (o: HistoryOp) => o.op !== "scale";

/**
 * True when some operations of one object overlap in time (one sent before an earlier one ended): several clients
 * raced on it. One client's operations never do (it sends the next only after the last one ended).
 */
export function overlapping(ops: readonly HistoryOp[]): boolean {
  const sorted = [...ops].sort((a, b) => a.sentAt - b.sentAt);
  let ended = -Infinity;
  for (const o of sorted) {
    if (o.sentAt < ended) return true;
    ended = Math.max(ended, o.endedAt);
  }
  return false;
}

/** The writes of a field that may hold the final value: not refused and not definitely superseded. */
function candidates(ops: readonly HistoryOp[], writes: (o: HistoryOp) => boolean): HistoryOp[] {
  const w = ops.filter((o) => writes(o) && o.outcome !== "refused");
  const acked = w.filter((o) => o.outcome === "ok");
  return w.filter((o) => o.outcome !== "ok" || !acked.some((a) => a !== o && a.sentAt > o.endedAt));
}

/** What of `final` the operations of object `id` cannot explain (see the file comment). */
export function checkConcurrent(id: string, ops: readonly HistoryOp[], final: Final): HistoryVerdict["lost"] {
  const lost: HistoryVerdict["lost"] = [];
  const miss = (op: HistoryOp["op"], detail: string) => lost.push({ id, op, detail });
  const present = candidates(ops, writesAll);
  if (!final) {
    const explained = present.some((o) => o.op === "delete") || !ops.some((o) => o.outcome === "ok");
    if (!explained) miss("apply", "missing at the end, but no delete may have been last");
    return lost;
  }
  if (!present.some((o) => o.op !== "delete")) miss("delete", "present at the end, but a delete was last");
  const counts = present.filter((o) => o.op !== "delete");
  if (!counts.some((o) => (o.acked?.replicas ?? o.replicas) === final.replicas)) {
    const could = [...new Set(counts.map((o) => o.acked?.replicas ?? o.replicas))].join(", ") || "none";
    miss("scale", `final count ${final.replicas}; the writes that may have been last asked for ${could}`);
  }
  const revisions = candidates(ops, writesRevision).filter((o) => o.op !== "delete");
  if (!revisions.some((o) => o.outcome === "unknown" || o.acked?.revision === final.revision)) {
    const could = [...new Set(revisions.map((o) => o.acked?.revision))].join(", ") || "none";
    miss("roll", `final revision ${final.revision}; the writes that may have been last acknowledged ${could}`);
  }
  return lost;
}
