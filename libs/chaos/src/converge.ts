/** After faults stop: every deployment reaches its desired count of current-revision replicas Running and ready. */
import { sleep } from "@tug/runtime";
import type { RedisStore } from "@tug/state";
import { readSnapshot, type Snapshot } from "./snapshot.js";

/**
 * Why a snapshot is not converged yet (empty when it is): every deployment of `ids` at its desired count, every one
 * of `gone` (acknowledged deletes) absent with no replica record left, and every one of `either` (whose last change
 * got no answer: a delete, or a re-apply after one, may or may not have happened) one or the other.
 */
export function notConverged(s: Snapshot, ids: string[], gone: string[] = [], either: string[] = []): string[] {
  const out: string[] = [];
  const absent = [...gone, ...either.filter((id) => !s.deployments.has(id))];
  const present = [...ids, ...either.filter((id) => s.deployments.has(id))];
  for (const id of absent) {
    if (s.deployments.has(id)) out.push(`${id}: deleted, still in Redis`);
    const left = s.replicas.filter((r) => r.deployment === id).length;
    if (left) out.push(`${id}: deleted, ${left} replica records left`);
  }
  for (const id of present) {
    const d = s.deployments.get(id);
    if (!d) {
      out.push(`${id}: missing`);
      continue;
    }
    const mine = s.replicas.filter((r) => r.deployment === id);
    const good = mine.filter(
      (r) => r.revision === d.revision && r.desired === "run" && r.phase === "Running" && r.ready,
    ).length;
    if (good !== d.replicas || mine.length !== d.replicas)
      out.push(`${id}: ${good}/${d.replicas} ready at revision ${d.revision}, ${mine.length} records`);
  }
  return out;
}

/** Waits until converged; resolves with the seconds it took, or the last reasons after `timeoutMs`. */
export async function waitConverged(
  store: RedisStore,
  ids: string[],
  timeoutMs: number,
  gone: string[] = [],
  either: string[] = [],
): Promise<{ ok: true; seconds: number } | { ok: false; reasons: string[] }> {
  const start = Date.now();
  let reasons = ["no snapshot yet"];
  while (Date.now() - start < timeoutMs) {
    try {
      reasons = notConverged(await readSnapshot(store), ids, gone, either);
      if (reasons.length === 0) return { ok: true, seconds: (Date.now() - start) / 1000 };
    } catch (err) {
      reasons = [`redis: ${(err as Error).message}`];
    }
    await sleep(250);
  }
  return { ok: false, reasons };
}
