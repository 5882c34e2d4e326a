/**
 * Last-resort cleanup after stop(): replicas that process-driver workers left running (e.g. a worker was SIGKILLed
 * and not restarted before the stop). Candidates come from each node's state file `worker-<node>.json`; a PID is
 * only signalled when /proc shows it still carries that replica's `TUG_REPLICA_ID` and `TUG_NODE` (Linux only).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sleep } from "@tug/runtime";

/** A replica process that outlived its worker. */
export interface StrayReplica {
  node: string;
  replica: string;
  pid: number;
}

/** Replica processes listed in the nodes' state files that are still alive and still theirs. */
export function findStrayReplicas(nodeDirs: Map<string, string>): StrayReplica[] {
  const out: StrayReplica[] = [];
  for (const [node, dir] of nodeDirs) {
    for (const [replica, pid] of statePids(join(dir, `worker-${node}.json`))) {
      const env = environ(pid);
      if (env.includes(`TUG_REPLICA_ID=${replica}`) && env.includes(`TUG_NODE=${node}`)) out.push({ node, replica, pid });
    }
  }
  return out;
}

/** SIGTERMs the strays (their process groups' leaders), SIGKILLs what is left after `graceMs`; resolves when all are gone. */
export async function reapStrays(strays: StrayReplica[], graceMs = 5_000): Promise<void> {
  const signal = (s: NodeJS.Signals) => strays.forEach((x) => { try { process.kill(x.pid, s); } catch { /* already gone */ } });
  if (!strays.length) return;
  signal("SIGTERM");
  const deadline = Date.now() + graceMs;
  while (strays.some((x) => alive(x.pid)) && Date.now() < deadline) await sleep(50);
  signal("SIGKILL");
  while (strays.some((x) => alive(x.pid))) await sleep(20);
}

function statePids(path: string): Array<[string, number]> {
  try {
    const state = JSON.parse(readFileSync(path, "utf8")) as Record<string, { pid?: unknown }>;
    return Object.entries(state).flatMap(([id, r]) => (Number.isInteger(r?.pid) && (r.pid as number) > 1 ? [[id, r.pid as number] as [string, number]] : []));
  } catch {
    return [];
  }
}

function environ(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
  } catch {
    return [];
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== "ESRCH";
  }
}
