/** Small helpers for system tests: intake calls with retry, replica queries, replica PIDs from worker state files. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Bus } from "@tug/bus";
import type { LocalCluster } from "@tug/cluster";
import { subjects, type ReplicaRecord } from "@tug/contracts";
import type { RedisStore } from "@tug/state";
import { exampleWebManifest } from "@tug/testkit";

/** Sends one intake request, retrying while the controller is down or restarting (up to `timeoutMs`). */
export async function intake<T = { revision: number }>(
  bus: Bus,
  verb: "apply" | "scale" | "delete",
  body: unknown,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await bus.request<T>(subjects.desired(verb), `desired.${verb}`, body, 3_000);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if ((code !== "TIMEOUT" && code !== "BUS_UNAVAILABLE" && code !== "STORE_UNAVAILABLE") || Date.now() > deadline)
        throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Replicas of `ns/name` that should run and are Running and ready. */
export async function readyReplicas(store: RedisStore, id: string): Promise<ReplicaRecord[]> {
  return (await store.replicasOfDeployment(id)).filter((r) => r.desired === "run" && r.phase === "Running" && r.ready);
}

/** Throws unless `actual` equals `expected` (for eventually()). */
export function expectCount(what: string, actual: number, expected: number): void {
  if (actual !== expected) throw new Error(`${what}: ${actual}, want ${expected}`);
}

/** replica id → PID of its process, from every worker's process-driver state file. */
export function replicaPids(cluster: LocalCluster): Map<string, number> {
  const out = new Map<string, number>();
  for (const node of cluster.nodes) {
    let state: Record<string, { pid?: number }>;
    try {
      state = JSON.parse(readFileSync(join(cluster.nodeDir(node), `worker-${node}.json`), "utf8"));
    } catch {
      continue;
    }
    for (const [id, r] of Object.entries(state)) if (Number.isInteger(r.pid)) out.set(id, r.pid!);
  }
  return out;
}

/** True while a process with this PID exists (the cluster library's own check). */
export { isAlive } from "@tug/cluster";

/** The example web app as a process-driver manifest (testkit's), rolling with no copy unavailable. */
export function webManifest(replicas: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  return exampleWebManifest(replicas, { strategy: { maxSurge: "25%", maxUnavailable: 0 }, ...over });
}
