/**
 * Last-resort cleanup after stop(): replicas that process-driver workers left running (e.g. a worker was SIGKILLed
 * and not restarted before the stop). Candidates come from each node's state file `worker-<node>.json`; a PID is
 * only signalled when /proc shows it still carries that replica's `TUG_REPLICA_ID` and `TUG_NODE` (Linux only).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { STATE_DIR_ENV } from "@tug/contracts";
import { sleep } from "@tug/runtime";
import { isAlive, readEnviron } from "./procfs.js";

/** A replica process that outlived its worker. */
export interface StrayReplica {
  node: string;
  replica: string;
  pid: number;
}

/**
 * Replica processes of these nodes that are still alive: those listed in the nodes' state files (checked against
 * /proc), and those a worker started but died before recording, found by the state-dir marker in their environment.
 */
export function findStrayReplicas(nodeDirs: Map<string, string>): StrayReplica[] {
  const found = new Map<number, StrayReplica>();
  for (const [node, dir] of nodeDirs) {
    for (const [replica, pid] of statePids(join(dir, `worker-${node}.json`))) {
      const env = readEnviron(pid);
      if (env.includes(`TUG_REPLICA_ID=${replica}`) && env.includes(`TUG_NODE=${node}`))
        found.set(pid, { node, replica, pid });
    }
  }
  const byMarker = new Map([...nodeDirs].map(([node, dir]) => [`${STATE_DIR_ENV}=${resolve(dir)}`, node]));
  for (const pid of procPids()) {
    if (found.has(pid) || pid === process.pid) continue;
    const env = readEnviron(pid);
    const node = env.map((e) => byMarker.get(e)).find((n) => n !== undefined);
    const replica = env.find((e) => e.startsWith("TUG_REPLICA_ID="))?.slice("TUG_REPLICA_ID=".length);
    if (node && replica) found.set(pid, { node, replica, pid });
  }
  return [...found.values()];
}

function procPids(): number[] {
  try {
    return readdirSync("/proc")
      .filter((d) => /^\d+$/.test(d))
      .map(Number);
  } catch {
    return [];
  }
}

/**
 * SIGTERMs the strays (their process groups' leaders), SIGKILLs what is left after `graceMs`; resolves when all are
 * gone.
 */
export async function reapStrays(strays: StrayReplica[], graceMs = 5_000): Promise<void> {
  const signal = (s: NodeJS.Signals) =>
    strays.forEach((x) => {
      try {
        process.kill(x.pid, s);
      } catch {
        /* already gone */
      }
    });
  if (!strays.length) return;
  signal("SIGTERM");
  const deadline = Date.now() + graceMs;
  while (strays.some((x) => isAlive(x.pid)) && Date.now() < deadline) await sleep(50);
  signal("SIGKILL");
  while (strays.some((x) => isAlive(x.pid))) await sleep(20);
}

function statePids(path: string): Array<[string, number]> {
  try {
    const state = JSON.parse(readFileSync(path, "utf8")) as Record<string, { pid?: unknown }>;
    return Object.entries(state).flatMap(([id, r]) =>
      Number.isInteger(r?.pid) && (r.pid as number) > 1 ? [[id, r.pid as number] as [string, number]] : [],
    );
  } catch {
    return [];
  }
}
