/** The process driver's record of what it started: `${dataDir}/worker-<node>.json`, written atomically. */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { carriedGuard } from "./guard.js";

/** One started replica, as persisted. */
export interface PersistedReplica {
  pid: number;
  hostPort: number;
  revision: number;
  deployment: string;
  startedAt: number;
  /** RuntimeHandle.stopAfterSeconds, when it has one. */
  stopAfterSeconds?: number;
}

/** `{ replicaId: PersistedReplica }`. */
export type PersistedState = Record<string, PersistedReplica>;

/** Reads the state file; a missing or corrupt file (or malformed entries) reads as empty. */
export function readState(path: string): PersistedState {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return {};
  }
  const out: PersistedState = {};
  if (!raw || typeof raw !== "object") return out;
  for (const [id, v] of Object.entries(raw as Record<string, unknown>)) {
    const r = v as Partial<PersistedReplica> | null;
    if (
      r &&
      Number.isInteger(r.pid) &&
      r.pid! > 1 &&
      Number.isInteger(r.hostPort) &&
      typeof r.deployment === "string" &&
      Number.isInteger(r.revision)
    ) {
      out[id] = {
        pid: r.pid!,
        hostPort: r.hostPort!,
        revision: r.revision!,
        deployment: r.deployment,
        startedAt: Number(r.startedAt) || Date.now(),
        ...carriedGuard(r.stopAfterSeconds),
      };
    }
  }
  return out;
}

/** Writes the state file atomically (temp file + rename). */
export function writeState(path: string, state: PersistedState): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 1));
  renameSync(tmp, path);
}
