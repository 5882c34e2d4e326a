/**
 * The chaos workload: seeded sequences of applies (up to `maxDeployments`), scales (1..6), rolls (env change → new
 * revision) and, when asked, deletes (a deleted deployment is applied again later), sent through the NATS intake by
 * `clients` concurrent clients. Each client owns its own deployments (client k the indices k, k + clients, …), so
 * each of those sees one change at a time while the intake serves several at once; with `shared`, every client
 * also changes one deployment they all race on (judged by the history check as a register). Every acknowledged
 * change goes into the ledger. Every change is recorded with its offset from the start and its client, and a
 * recorded list can be sent again (a replay) instead of the seeded draws.
 */
import type { Bus } from "@tug/bus";
import { deploymentId } from "@tug/contracts";
import { sleep } from "@tug/runtime";
import type { HistoryOp } from "./history.js";
import { type IntakeOutcome, intakeWithRetry } from "./intake.js";
import type { AckLedger } from "./ledger.js";
import { chaosManifest, chaosName } from "./manifests.js";
import type { ChaosDriver } from "./options.js";
import { Prng } from "./prng.js";

/** One change of the workload: create (apply), roll (apply of a new revision), scale or delete deployment `index`. */
export interface WorkloadOp {
  /** When it was (or is to be) sent, from the start of the run. */
  offsetMs: number;
  op: "apply" | "roll" | "scale" | "delete";
  index: number;
  replicas: number;
  /** The deployment's roll count (its env carries it, so each roll is a new revision). */
  roll: number;
  /** Pause after it (seeded runs). */
  gapMs: number;
  /** The client that sends it (absent: 0). */
  client?: number;
  /** A change of the shared deployment, which every client changes (absent: one of the client's own). */
  shared?: boolean;
}

/** Counters of what the workload did. */
export interface WorkloadStats {
  applies: number;
  scales: number;
  rolls: number;
  deletes: number;
  acked: number;
  /** Changes that ended without an answer (ambiguous). */
  unknown: number;
  /** Changes refused with a non-retryable error (a bug in the workload or the intake). */
  refused: Array<{ id: string; code: string; message: string }>;
  /** Every change sent, in order (what a replay sends again). */
  ops: WorkloadOp[];
  /** Every change with its outcome, for the history check (history.ts). */
  history: HistoryOp[];
}

/** How one client draws its changes. */
export interface SeededOpsOptions {
  /** This client's number (default 0) among `clients` (default 1): it owns indices client, client + clients, … */
  client?: number;
  clients?: number;
  /** Draw deletes too (about 1 change in 12 of an existing deployment); the next change of it re-applies it. */
  deletes?: boolean;
  /**
   * Index of the deployment every client changes (about 1 change in 4): applies with this client's template (a new
   * revision each time it rolls; each client's templates are its own) or a new count. Absent: none.
   */
  shared?: number;
}

/** One client's seeded sequence of changes (endless; offsets are filled in when sent). */
export function* seededOps(prng: Prng, maxDeployments: number, o: SeededOpsOptions = {}): Generator<WorkloadOp> {
  const client = o.client ?? 0;
  const clients = o.clients ?? 1;
  const owned = Math.ceil(Math.max(0, maxDeployments - client) / clients);
  if (owned === 0) return;
  const want: Array<{ replicas: number; roll: number; exists: boolean }> = [];
  let sharedRolls = 0;
  for (;;) {
    if (o.shared !== undefined && prng.next() < 0.25) {
      // a new template (a roll) or a new count with this client's last one; rolls numbered apart per client
      const roll = sharedRolls === 0 || prng.next() < 0.5;
      if (roll) sharedRolls++;
      const replicas = prng.int(1, 6);
      const gapMs = prng.int(100, 600);
      const rollNo = client * 1_000_000 + sharedRolls;
      yield {
        offsetMs: 0,
        op: roll ? "roll" : "apply",
        index: o.shared,
        replicas,
        roll: rollNo,
        gapMs,
        client,
        shared: true,
      };
      continue;
    }
    const create = want.length < owned && (want.length === 0 || prng.next() < 0.25);
    const local = create ? want.length : prng.int(0, want.length - 1);
    if (create) want.push({ replicas: 0, roll: 0, exists: false });
    const w = want[local]!;
    let op: WorkloadOp["op"];
    if (!w.exists) op = "apply";
    else if (o.deletes && prng.next() < 0.08) op = "delete";
    else op = prng.next() < 0.5 ? "scale" : "roll";
    if (op === "apply" || op === "scale") w.replicas = prng.int(1, 6);
    if (op === "roll") w.roll++;
    w.exists = op !== "delete";
    const gapMs = prng.int(100, 600);
    const replicas = op === "delete" ? 0 : w.replicas;
    const index = client + clients * local;
    yield { offsetMs: 0, op, index, replicas, roll: w.roll, gapMs, ...(clients > 1 ? { client } : {}) };
  }
}

/** The counter of WorkloadStats each kind of change adds to. */
const COUNTER = { apply: "applies", roll: "rolls", scale: "scales", delete: "deletes" } as const;

/** What every client of one run shares. */
interface WorkloadRun {
  bus: Bus;
  ledger: AckLedger;
  driver: ChaosDriver;
  signal: AbortSignal;
  startedAt: number;
  hosts?: boolean;
  stats: WorkloadStats;
}

/**
 * Drives the workload until `signal` aborts (or, with `script`, until its changes are sent, each at its offset, by
 * the client that sent it).
 */
export async function runWorkload(o: {
  bus: Bus;
  prng: Prng;
  ledger: AckLedger;
  driver: ChaosDriver;
  maxDeployments: number;
  signal: AbortSignal;
  script?: WorkloadOp[];
  startedAt?: number;
  /** On a hosts lab: the odd deployments set disconnect.stopAfterSeconds. */
  hosts?: boolean;
  /** Concurrent clients (default 1); each draws from its own sequence, seeded from `prng`. */
  clients?: number;
  /** Draw deletes too (seededOps). */
  deletes?: boolean;
  /** Every client also changes one shared deployment (seededOps' `shared`, the index after the owned ones). */
  shared?: boolean;
}): Promise<WorkloadStats> {
  const stats: WorkloadStats = {
    applies: 0,
    scales: 0,
    rolls: 0,
    deletes: 0,
    acked: 0,
    unknown: 0,
    refused: [],
    ops: [],
    history: [],
  };
  const run: WorkloadRun = { ...o, startedAt: o.startedAt ?? Date.now(), stats };
  const clients = o.clients ?? 1;
  if (o.script) {
    const byClient = new Map<number, WorkloadOp[]>();
    for (const op of o.script) byClient.set(op.client ?? 0, [...(byClient.get(op.client ?? 0) ?? []), op]);
    await Promise.all([...byClient.values()].map((ops) => runClient(run, ops, true)));
  } else {
    // client 0 draws from `prng` itself (one client replays the sequences of runs made before there were several)
    const prngs = [o.prng, ...Array.from({ length: clients - 1 }, () => new Prng(o.prng.int(0, 2 ** 32 - 1)))];
    const shared = o.shared ? o.maxDeployments : undefined;
    const seq = (k: number) =>
      seededOps(prngs[k]!, o.maxDeployments, { client: k, clients, deletes: o.deletes, shared });
    await Promise.all(prngs.map((_, k) => runClient(run, seq(k), false)));
  }
  return stats;
}

/**
 * Sends one client's changes, one at a time; `scripted` ones at their recorded offsets, every one of them even when
 * `signal` aborts first (a send that waited for its answer during a fault can leave the next one past the end of
 * the replay's window, and a replay that dropped it would not be the run it replays).
 */
async function runClient(o: WorkloadRun, ops: Iterable<WorkloadOp>, scripted: boolean): Promise<void> {
  const { stats } = o;
  for (const planned of ops) {
    if (scripted) await sleep(Math.max(0, o.startedAt + planned.offsetMs - Date.now()));
    else if (o.signal.aborted) break;
    const op = { ...planned, offsetMs: Date.now() - o.startedAt };
    stats.ops.push(op);
    const name = chaosName(op.index);
    const id = deploymentId("default", name);
    if (op.shared) o.ledger.beginContended(id, op.replicas);
    else o.ledger.begin(id, op.replicas);
    const sentAt = Date.now();
    stats[COUNTER[op.op]]++;
    const out = await send(o, op, name);
    const h = { id, op: op.op, replicas: op.replicas, sentAt, endedAt: Date.now() };
    if (out.kind === "ack") {
      stats.acked++;
      const deleted = op.op === "delete";
      const acked = {
        replicas: deleted ? 0 : (out.reply.replicas ?? op.replicas),
        revision: out.reply.revision,
        ...(deleted ? { deleted } : {}),
      };
      o.ledger.ack(id, acked.replicas, acked.revision, Date.now(), deleted);
      stats.history.push({ ...h, outcome: "ok", acked });
    } else if (out.kind === "unknown") {
      stats.unknown++;
      o.ledger.fail(id);
      stats.history.push({ ...h, outcome: "unknown" });
    } else {
      stats.history.push({ ...h, outcome: "refused" });
      stats.refused.push({ id, code: out.error.code, message: out.error.message });
      o.ledger.refused(id);
    }
    if (!scripted) await sleep(op.gapMs, o.signal);
  }
}

/** Sends one change through the intake (with retries). */
function send(o: WorkloadRun, op: WorkloadOp, name: string): Promise<IntakeOutcome> {
  const ref = { namespace: "default", name };
  switch (op.op) {
    case "scale":
      return intakeWithRetry(o.bus, "scale", { ...ref, replicas: op.replicas }, 30_000, o.signal);
    case "delete":
      return intakeWithRetry(o.bus, "delete", ref, 30_000, o.signal);
    default:
      return intakeWithRetry(
        o.bus,
        "apply",
        chaosManifest(op.index, op.replicas, op.roll, o.driver, o.hosts),
        30_000,
        o.signal,
      );
  }
}
