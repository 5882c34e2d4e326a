/**
 * A Jepsen-style history of the chaos workload: every operation it sent, with its outcome (ok with the state the
 * intake acknowledged, unknown when no answer came, refused when it was refused for sure), and the final check: an
 * acknowledged operation's effect must be in the final state unless a later operation on the same object may have
 * superseded it (a later ok, or a later unknown, which may or may not have been applied); an object several clients
 * changed at once is judged as a register instead (history-concurrent.ts). Written as JSON lines
 * (`history.jsonl`) with its verdict (`verdict.json`) into the run's data dir.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkConcurrent, overlapping } from "./history-concurrent.js";

export type { FinalState, HistoryOp, HistoryVerdict } from "./history-types.js";
import type { FinalState, HistoryOp, HistoryVerdict } from "./history-types.js";

/** Checks `history` against the final state (see the file comment). */
export function checkHistory(history: readonly HistoryOp[], final: FinalState): HistoryVerdict {
  const byId = new Map<string, HistoryOp[]>();
  for (const h of history) byId.set(h.id, [...(byId.get(h.id) ?? []), h]);
  const lost: HistoryVerdict["lost"] = [];
  let checked = 0;
  for (const [id, ops] of byId) {
    if (overlapping(ops)) {
      // several clients raced on it: judged as a register (history-concurrent.ts)
      checked++;
      lost.push(...checkConcurrent(id, ops, final.get(id)));
      continue;
    }
    const sorted = [...ops].sort((a, b) => a.sentAt - b.sentAt);
    const last = sorted.filter((o) => o.outcome !== "refused").at(-1);
    if (!last || last.outcome !== "ok" || !last.acked) continue; // superseded by an operation of unknown outcome
    checked++;
    const f = final.get(id);
    if (last.acked.deleted) {
      if (f) lost.push({ id, op: last.op, detail: `delete acknowledged, still there at revision ${f.revision}` });
    } else if (!f)
      lost.push({
        id,
        op: last.op,
        detail: `acknowledged (replicas ${last.acked.replicas}, revision ${last.acked.revision}), missing at the end`,
      });
    else if (f.replicas !== last.acked.replicas || f.revision !== last.acked.revision) {
      lost.push({
        id,
        op: last.op,
        detail:
          `acknowledged replicas ${last.acked.replicas} revision ${last.acked.revision}, ` +
          `final ${f.replicas} / ${f.revision}`,
      });
    }
  }
  return { operations: history.length, acknowledged: history.filter((h) => h.outcome === "ok").length, checked, lost };
}

/** Writes `history.jsonl` and `verdict.json` into `dir`; returns the history file's path. */
export function writeHistory(dir: string, history: readonly HistoryOp[], verdict: HistoryVerdict): string {
  const file = join(dir, "history.jsonl");
  writeFileSync(file, history.map((h) => JSON.stringify(h)).join("\n") + "\n");
  writeFileSync(join(dir, "verdict.json"), `${JSON.stringify(verdict, null, 1)}\n`);
  return file;
}
