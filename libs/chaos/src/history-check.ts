/** The end of a chaos run's history check: read the final state, check the history, record and write the verdict. */
import type { RedisStore } from "@tug/state";
import { checkHistory, type FinalState, type HistoryOp, type HistoryVerdict, writeHistory } from "./history.js";
import { readSnapshot } from "./snapshot.js";
import type { ViolationBook } from "./violations.js";

/**
 * Checks `history` against the deployments in Redis now (after convergence), adds an `ack-lost` violation per lost
 * acknowledged write, and writes the history and verdict into `dir`. A Redis that cannot be read (bounded retries)
 * is a violation too: the check could not be made.
 */
export async function finalHistoryCheck(
  store: RedisStore,
  history: readonly HistoryOp[],
  dir: string,
  book: ViolationBook,
): Promise<HistoryVerdict & { file: string }> {
  let final: FinalState | undefined;
  for (let attempt = 0; attempt < 40 && !final; attempt++) {
    try {
      const s = await readSnapshot(store);
      final = new Map(
        [...new Set(history.map((h) => h.id))].map((id) => {
          const d = s.deployments.get(id);
          return [id, d && { replicas: d.replicas, revision: d.revision }];
        }),
      );
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  if (!final) book.add("converge", "cluster", "the final state could not be read for the history check");
  const verdict = checkHistory(history, final ?? new Map());
  if (final) for (const l of verdict.lost) book.add("ack-lost", l.id, `history check: ${l.op} ${l.detail}`);
  return { ...verdict, file: writeHistory(dir, history, verdict) };
}
