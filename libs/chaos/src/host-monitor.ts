/**
 * The invariants a chaos run checks on a hosts lab, from outside the control plane: (1) no endpoint list the
 * registry serves holds a replica of a node that is NotReady (read before and after the endpoints, so a node that
 * changed in between is not blamed); (2) a deployment with `disconnect.stopAfterSeconds` never has more than its
 * desired count + maxSurge copies running in all namespaces together (the namespaces' process lists are the truth).
 * Copies on a host whose worker process was down recently are not counted: a dead worker cannot stop anything
 * (a SIGKILLed machine takes its copies with it; a worker crash that leaves them running is not a partition). The
 * desired counts of the last SURGE_WINDOW_MS + GUARDED_STOP_MS count: a copy retired while its host is cut off runs
 * on until its worker stops it (S + the termination grace after the cut); and, as for the ready count, a count
 * superseded while the controller could not act (ActorWatch) counts until it could for that long.
 */
import { type Lab, type LocalCluster, namespacePids, readEnviron } from "@tug/cluster";
import { deploymentId } from "@tug/contracts";
import { sleep } from "@tug/runtime";
import type { ActorWatch } from "./actor.js";
import type { AckLedger } from "./ledger.js";
import { CHAOS_STOP_AFTER_S, isGuarded } from "./manifests.js";
import { SURGE_WINDOW_MS } from "./monitor.js";
import type { ViolationBook } from "./violations.js";

/** How long after its worker was seen down a host's copies are not counted (graces + hold + orphan grace + slack). */
export const WORKER_DOWN_EXCUSE_MS = 15_000;

/** How long a retired copy may run on a cut-off host: stopAfterSeconds + termination grace (2 s) + 2 s of slack. */
export const GUARDED_STOP_MS = (CHAOS_STOP_AFTER_S + 2 + 2) * 1000;

interface ServiceView {
  namespace: string;
  name: string;
  endpoints: Array<{ replica: string; node: string; ready: boolean }>;
}

/** Checks the host invariants every `periodMs` until `signal` aborts; resolves with the number of checks. */
export async function hostMonitor(o: {
  cluster: LocalCluster;
  lab: Lab;
  ledger: AckLedger;
  book: ViolationBook;
  maxSurge: number;
  signal: AbortSignal;
  periodMs?: number;
  /** Whether the controller could act; without it, a superseded count is allowed for the window only. */
  actor?: ActorWatch;
}): Promise<{ checks: number }> {
  const downAt = new Map<string, number>();
  const restarts = new Map<string, number>();
  let checks = 0;
  while (!o.signal.aborted) {
    const now = Date.now();
    for (const c of o.cluster.components) {
      if (c.role !== "worker") continue;
      // down now, or restarted since the last look (a tick can take longer than a worker's whole downtime)
      const restarted = (restarts.get(c.name) ?? c.restarts) !== c.restarts;
      if (!c.running || restarted) downAt.set(c.name.slice("worker-".length), now);
      restarts.set(c.name, c.restarts);
    }
    const excused = (node: string) => now - (downAt.get(node) ?? 0) < WORKER_DOWN_EXCUSE_MS;
    try {
      await checkEndpoints(o.cluster.apiUrl, o.book);
      await checkCopies(o.lab, o.ledger, o.maxSurge, excused, o.book, o.actor?.upSince(now));
      checks++;
    } catch {
      // the registry is down or restarting: nothing to check this tick
    }
    await sleep(o.periodMs ?? 250, o.signal);
  }
  return { checks };
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return (await res.json()) as T;
}

async function notReadyNodes(apiUrl: string): Promise<Set<string>> {
  const { items } = await getJson<{ items: Array<{ id: string; status: string }> }>(`${apiUrl}/v1/nodes`);
  return new Set(items.filter((n) => n.status !== "Ready").map((n) => n.id));
}

/** Invariant 10: an endpoint list never holds a replica of a node that is not Ready. */
async function checkEndpoints(apiUrl: string, book: ViolationBook): Promise<void> {
  const before = await notReadyNodes(apiUrl);
  const { items } = await getJson<{ items: ServiceView[] }>(`${apiUrl}/v1/services`);
  const after = await notReadyNodes(apiUrl);
  for (const s of items) {
    for (const e of s.endpoints) {
      if (!e.ready || !before.has(e.node) || !after.has(e.node)) continue;
      const detail = `endpoint ${e.replica} of NotReady node ${e.node}`;
      book.add("endpoint-of-notready-node", `${s.namespace}/${s.name}`, detail);
    }
  }
}

/** No stopAfterSeconds deployment runs more copies than desired + maxSurge, counted in the namespaces. */
async function checkCopies(
  lab: Lab,
  ledger: AckLedger,
  maxSurge: number,
  excused: (node: string) => boolean,
  book: ViolationBook,
  actorUpSince?: number,
): Promise<void> {
  const copies = new Map<string, string[]>();
  for (const h of lab.hosts) {
    if (excused(h.node)) continue;
    for (const pid of await namespacePids(h.namespace)) {
      const id = readEnviron(pid)
        .find((e) => e.startsWith("TUG_REPLICA_ID="))
        ?.slice("TUG_REPLICA_ID=".length);
      const name = id?.replace(/-\d+-[^-]+$/, "");
      if (name && isGuarded(name, true)) copies.set(name, [...(copies.get(name) ?? []), `${id} on ${h.node}`]);
    }
  }
  const now = Date.now();
  for (const [name, where] of copies) {
    const id = deploymentId("default", name);
    const bound = ledger.maxDesiredSince(id, SURGE_WINDOW_MS + GUARDED_STOP_MS, now, actorUpSince) + maxSurge;
    if (where.length > bound) {
      const detail = `${where.length} copies run in the hosts' namespaces (${where.join(", ")}); at most ${bound} may`;
      book.add("too-many-copies", id, detail);
    }
  }
}
