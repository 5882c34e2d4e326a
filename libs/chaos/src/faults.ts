/**
 * The fault injector: a seeded sequence of faults against a local cluster — SIGKILL or SIGSTOP/SIGCONT of a
 * control-plane instance or a worker, SIGKILL of a replica process (process driver), and SIGKILL of NATS or Redis
 * (the supervisor restarts them). Draws are made whether or not the target is up, so the sequence depends on the
 * seed only; a fault whose target is down at that instant is counted as skipped.
 */
import { CONTROL_PLANE_ROLES, findStrayReplicas, type LocalCluster } from "@tug/cluster";
import { sleep } from "@tug/runtime";
import type { ChaosDriver } from "./options.js";
import type { Prng } from "./prng.js";

/** Every kind of fault the runner injects. */
export const FAULT_KINDS = ["kill-component", "pause-component", "kill-worker", "pause-worker", "kill-replica", "restart-nats", "restart-redis"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Relative frequency of each fault kind. */
const WEIGHTS: Record<FaultKind, number> = {
  "kill-component": 30, "pause-component": 20, "kill-worker": 8, "pause-worker": 10, "kill-replica": 14, "restart-nats": 8, "restart-redis": 10,
};

/** One fault as injected. */
export interface FaultRecord {
  at: number;
  kind: FaultKind;
  target: string;
  /** Pause length (ms), for pauses. */
  pauseMs?: number;
  /** False when the target was not running at that instant (nothing was done). */
  delivered: boolean;
}

/** Injects faults until `signal` aborts; resolves once every pause it started has been resumed. */
export async function injectFaults(o: { cluster: LocalCluster; prng: Prng; driver: ChaosDriver; replicasPerComponent: number; everyMs: number; signal: AbortSignal; onFault?: (f: FaultRecord) => void }): Promise<FaultRecord[]> {
  const faults: FaultRecord[] = [];
  const paused = new Map<string, NodeJS.Timeout>();
  const resume = (name: string) => {
    clearTimeout(paused.get(name));
    paused.delete(name);
    o.cluster.kill(name, "SIGCONT");
  };
  const weights = { ...WEIGHTS, "kill-replica": o.driver === "process" ? WEIGHTS["kill-replica"] : 0 };
  const instances = CONTROL_PLANE_ROLES.flatMap((r) => Array.from({ length: o.replicasPerComponent }, (_, k) => `${r}-${k + 1}`));
  const workers = o.cluster.nodes.map((n) => `worker-${n}`);
  // An absolute schedule: a slow delivery or a starved event loop does not stretch the gaps after it.
  let next = Date.now();
  try {
    while (!o.signal.aborted) {
      next += Math.round(o.everyMs * (0.5 + o.prng.next()));
      await sleep(Math.max(0, next - Date.now()), o.signal);
      if (o.signal.aborted) break;
      const kind = o.prng.weighted(weights);
      const f = deliver(o.cluster, o.prng, kind, instances, workers, paused, resume);
      faults.push(f);
      o.onFault?.(f);
    }
  } finally {
    for (const name of [...paused.keys()]) resume(name);
  }
  return faults;
}

function deliver(c: LocalCluster, prng: Prng, kind: FaultKind, instances: string[], workers: string[], paused: Map<string, NodeJS.Timeout>, resume: (n: string) => void): FaultRecord {
  const at = Date.now();
  switch (kind) {
    case "kill-component":
    case "kill-worker": {
      const target = prng.pick(kind === "kill-worker" ? workers : instances);
      return { at, kind, target, delivered: c.kill(target, "SIGKILL") };
    }
    case "pause-component":
    case "pause-worker": {
      const target = prng.pick(kind === "pause-worker" ? workers : instances);
      const pauseMs = prng.int(300, 3_000);
      const delivered = !paused.has(target) && c.kill(target, "SIGSTOP");
      if (delivered) paused.set(target, setTimeout(() => resume(target), pauseMs));
      return { at, kind, target, pauseMs, delivered };
    }
    case "kill-replica": {
      const node = prng.pick(c.nodes);
      const live = findStrayReplicas(new Map([[node, c.nodeDir(node)]])).sort((a, b) => a.replica.localeCompare(b.replica));
      const draw = prng.next();
      if (live.length === 0) return { at, kind, target: `${node}/-`, delivered: false };
      const victim = live[Math.floor(draw * live.length)]!;
      try {
        process.kill(victim.pid, "SIGKILL");
        return { at, kind, target: `${node}/${victim.replica}`, delivered: true };
      } catch {
        return { at, kind, target: `${node}/${victim.replica}`, delivered: false };
      }
    }
    case "restart-nats":
      return { at, kind, target: "nats", delivered: c.kill("nats", "SIGKILL") };
    case "restart-redis":
      return { at, kind, target: "redis", delivered: c.kill("redis", "SIGKILL") };
  }
}
