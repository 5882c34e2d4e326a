/**
 * The fault injector: a seeded sequence of faults against a local cluster — SIGKILL or SIGSTOP/SIGCONT of a
 * control-plane instance or a worker, SIGKILL of a replica process (process driver), and SIGKILL of NATS or Redis
 * (the supervisor restarts them); on a hosts lab also partitions and kill-host (host-faults.ts); on an `--ha` cluster
 * SIGKILL of the Redis primary or of one NATS server instead of restart-redis/restart-nats (ha-faults.ts). Draws
 * are made whether or not the target is up, so the sequence depends on the
 * seed only; a fault whose target is down at that instant is counted as skipped.
 */
import { CONTROL_PLANE_ROLES, findStrayReplicas, type Lab, type LocalCluster } from "@tug/cluster";
import { sleep } from "@tug/runtime";
import {
  type Cuts,
  deliverHostFault,
  drawHostFault,
  healAll,
  HOST_FAULT_KINDS,
  HOST_WEIGHTS,
  type HostFaultKind,
} from "./host-faults.js";
import {
  deliverHaFault,
  drawHaFault,
  HA_FAULT_KINDS,
  HA_PARTITION_KINDS,
  HA_WEIGHTS,
  type HaFaultKind,
  isHaFault,
} from "./ha-faults.js";
import type { ChaosDriver } from "./options.js";
import type { Prng } from "./prng.js";

/** Every kind of fault the runner injects (the host faults only on a hosts lab). */
export const FAULT_KINDS = [
  "kill-component",
  "pause-component",
  "kill-worker",
  "pause-worker",
  "kill-replica",
  "restart-nats",
  "restart-redis",
  ...HOST_FAULT_KINDS,
  ...HA_FAULT_KINDS,
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Relative frequency of each fault kind. */
const WEIGHTS: Record<FaultKind, number> = {
  "kill-component": 30,
  "pause-component": 20,
  "kill-worker": 8,
  "pause-worker": 10,
  "kill-replica": 14,
  "restart-nats": 8,
  "restart-redis": 10,
  ...HOST_WEIGHTS,
  ...HA_WEIGHTS,
};

/** One fault as injected. */
export interface FaultRecord {
  at: number;
  kind: FaultKind;
  target: string;
  /** Pause length (ms), for pauses; partition length for partition-host. */
  pauseMs?: number;
  /** False when the target was not running at that instant (nothing was done). */
  delivered: boolean;
}

/** A fault to inject: drawn from the seed, or read from a replay script (`offsetMs` from the start). */
export interface PlannedFault {
  kind: FaultKind;
  /** An instance, `worker-<node>`, `nats`, `redis`; for kill-replica `<node>` (drawn) or `<node>/<replica>`. */
  target: string;
  pauseMs?: number;
  /** kill-replica drawn from the seed: which of the node's live replicas (a fraction in [0, 1)). */
  replicaDraw?: number;
  offsetMs?: number;
}

/** Injects faults until `signal` aborts; resolves once every pause it started has been resumed. */
export async function injectFaults(o: {
  cluster: LocalCluster;
  prng: Prng;
  driver: ChaosDriver;
  replicasPerComponent: number;
  everyMs: number;
  signal: AbortSignal;
  onFault?: (f: FaultRecord) => void;
  /** Replay: these faults at their offsets from `startedAt`, instead of seeded draws. */
  script?: PlannedFault[];
  startedAt?: number;
}): Promise<FaultRecord[]> {
  const faults: FaultRecord[] = [];
  const paused = new Map<string, NodeJS.Timeout>();
  const resume = (name: string) => {
    clearTimeout(paused.get(name));
    paused.delete(name);
    o.cluster.kill(name, "SIGCONT");
  };
  const lab = o.cluster.lab;
  const cuts: Cuts = new Map();
  const weights = {
    ...WEIGHTS,
    "kill-replica": o.driver === "process" ? WEIGHTS["kill-replica"] : 0,
    ...(lab ? {} : Object.fromEntries(HOST_FAULT_KINDS.map((k) => [k, 0]))),
    // an --ha cluster has nats-1…3 and redis-1…3 instead of `nats` and `redis`
    ...(o.cluster.ha
      ? { "restart-nats": 0, "restart-redis": 0 }
      : Object.fromEntries(HA_FAULT_KINDS.map((k) => [k, 0]))),
    // partitions of the servers' hosts need the control plane on lab hosts (--ha --hosts)
    ...(o.cluster.ha && lab?.controlPlane ? {} : Object.fromEntries(HA_PARTITION_KINDS.map((k) => [k, 0]))),
  };
  const natsServers = o.cluster.ha?.natsPorts.length ?? 0;
  const instances = CONTROL_PLANE_ROLES.flatMap((r) =>
    Array.from({ length: o.replicasPerComponent }, (_, k) => `${r}-${k + 1}`),
  );
  const workers = o.cluster.nodes.map((n) => `worker-${n}`);
  const startedAt = o.startedAt ?? Date.now();
  // An absolute schedule: a slow delivery or a starved event loop does not stretch the gaps after it.
  let next = Date.now();
  const seeded = function* (): Generator<PlannedFault> {
    for (;;) {
      next += Math.round(o.everyMs * (0.5 + o.prng.next()));
      const kind = o.prng.weighted(weights);
      const f = isHostFault(kind)
        ? drawHostFault(o.prng, kind, lab!)
        : isHaFault(kind)
          ? drawHaFault(o.prng, kind, natsServers)
          : draw(o.prng, kind, instances, workers, o.cluster.nodes);
      yield { ...f, offsetMs: next - startedAt };
    }
  };
  try {
    for (const p of o.script ?? seeded()) {
      // a replay delivers every recorded fault at its offset, even past the end of its window (see runClient)
      await sleep(Math.max(0, startedAt + (p.offsetMs ?? 0) - Date.now()), o.script ? undefined : o.signal);
      if (o.signal.aborted && !o.script) break;
      const f = isHostFault(p.kind)
        ? await deliverHost(lab, p, cuts)
        : isHaFault(p.kind)
          ? await deliverHa(o.cluster, p, cuts)
          : deliver(o.cluster, p, paused, resume);
      faults.push(f);
      o.onFault?.(f);
    }
  } finally {
    for (const name of [...paused.keys()]) resume(name);
    if (lab) await healAll(lab, cuts);
  }
  return faults;
}

function isHostFault(kind: FaultKind): kind is HostFaultKind {
  return (HOST_FAULT_KINDS as readonly string[]).includes(kind);
}

/** A host fault (a replayed one on a cluster without a lab is not delivered). */
async function deliverHost(lab: Lab | undefined, p: PlannedFault, cuts: Cuts): Promise<FaultRecord> {
  const at = Date.now();
  const kind = p.kind as HostFaultKind;
  const delivered = lab
    ? await deliverHostFault(lab, { kind, target: p.target, pauseMs: p.pauseMs }, cuts).catch(() => false)
    : false;
  return { at, kind, target: p.target, ...(p.pauseMs !== undefined ? { pauseMs: p.pauseMs } : {}), delivered };
}

/** An `--ha` fault, recorded with the server it hit. */
async function deliverHa(c: LocalCluster, p: PlannedFault, cuts: Cuts): Promise<FaultRecord> {
  const at = Date.now();
  const kind = p.kind as HaFaultKind;
  const { target, delivered } = await deliverHaFault(c, { kind, target: p.target, pauseMs: p.pauseMs }, cuts);
  return { at, kind: p.kind, target, ...(p.pauseMs !== undefined ? { pauseMs: p.pauseMs } : {}), delivered };
}

/** Draws the target (and pause length) of a fault of `kind` from the seed. */
function draw(prng: Prng, kind: FaultKind, instances: string[], workers: string[], nodes: string[]): PlannedFault {
  switch (kind) {
    case "kill-component":
    case "kill-worker":
      return { kind, target: prng.pick(kind === "kill-worker" ? workers : instances) };
    case "pause-component":
    case "pause-worker":
      return { kind, target: prng.pick(kind === "pause-worker" ? workers : instances), pauseMs: prng.int(300, 3_000) };
    case "kill-replica":
      return { kind, target: prng.pick(nodes), replicaDraw: prng.next() };
    case "restart-nats":
      return { kind, target: "nats" };
    case "restart-redis":
      return { kind, target: "redis" };
    case "partition-host":
    case "kill-host":
    case "kill-redis-primary":
    case "kill-nats-server":
    case "partition-redis-primary":
    case "partition-nats-server":
      throw new Error(`internal: ${kind} is drawn by drawHostFault or drawHaFault`);
  }
}

function deliver(
  c: LocalCluster,
  p: PlannedFault,
  paused: Map<string, NodeJS.Timeout>,
  resume: (n: string) => void,
): FaultRecord {
  const at = Date.now();
  const { kind, target } = p;
  switch (kind) {
    case "kill-component":
    case "kill-worker":
    case "restart-nats":
    case "restart-redis":
      return { at, kind, target, delivered: c.kill(target, "SIGKILL") };
    case "pause-component":
    case "pause-worker": {
      const pauseMs = p.pauseMs ?? 1_000;
      const delivered = !paused.has(target) && c.kill(target, "SIGSTOP");
      if (delivered)
        paused.set(
          target,
          setTimeout(() => resume(target), pauseMs),
        );
      return { at, kind, target, pauseMs, delivered };
    }
    case "kill-replica": {
      const [node, named] = target.split("/") as [string, string | undefined];
      const live = c.nodes.includes(node)
        ? findStrayReplicas(new Map([[node, c.nodeDir(node)]])).sort((a, b) => a.replica.localeCompare(b.replica))
        : [];
      const victim =
        named !== undefined
          ? live.find((r) => r.replica === named)
          : live[Math.floor((p.replicaDraw ?? 0) * live.length)];
      if (!victim) return { at, kind, target: `${node}/${named ?? "-"}`, delivered: false };
      try {
        process.kill(victim.pid, "SIGKILL");
        return { at, kind, target: `${node}/${victim.replica}`, delivered: true };
      } catch {
        return { at, kind, target: `${node}/${victim.replica}`, delivered: false };
      }
    }
    case "partition-host":
    case "kill-host":
    case "kill-redis-primary":
    case "kill-nats-server":
    case "partition-redis-primary":
    case "partition-nats-server":
      throw new Error(`internal: ${kind} is delivered by deliverHost or deliverHa`);
  }
}
