/**
 * The chaos workload: a seeded sequence of applies (up to `maxDeployments`), scales (1..6) and rolls (env change →
 * new revision), sent one at a time through the NATS intake; every acknowledged change goes into the ledger. Every
 * change is recorded with its offset from the start, and a recorded list can be sent again (a replay) instead of
 * the seeded draws.
 */
import type { Bus } from "@tug/bus";
import { deploymentId } from "@tug/contracts";
import { sleep } from "@tug/runtime";
import type { HistoryOp } from "./history.js";
import { intakeWithRetry } from "./intake.js";
import type { AckLedger } from "./ledger.js";
import { chaosManifest, chaosName } from "./manifests.js";
import type { ChaosDriver } from "./options.js";
import type { Prng } from "./prng.js";

/** One change of the workload: create (apply), roll (apply of a new revision) or scale deployment `index`. */
export interface WorkloadOp {
  /** When it was (or is to be) sent, from the start of the run. */
  offsetMs: number;
  op: "apply" | "roll" | "scale";
  index: number;
  replicas: number;
  /** The deployment's roll count (its env carries it, so each roll is a new revision). */
  roll: number;
  /** Pause after it (seeded runs). */
  gapMs: number;
}

/** Counters of what the workload did. */
export interface WorkloadStats {
  applies: number;
  scales: number;
  rolls: number;
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

/** The seeded sequence of changes (endless; offsets are filled in when sent). */
export function* seededOps(prng: Prng, maxDeployments: number): Generator<WorkloadOp> {
  const want: Array<{ replicas: number; roll: number }> = [];
  for (;;) {
    const create = want.length < maxDeployments && (want.length === 0 || prng.next() < 0.25);
    const index = create ? want.length : prng.int(0, want.length - 1);
    const scale = !create && prng.next() < 0.5;
    const replicas = create || scale ? prng.int(1, 6) : want[index]!.replicas;
    const gapMs = prng.int(100, 600);
    if (create) want.push({ replicas, roll: 0 });
    const w = want[index]!;
    w.replicas = replicas;
    if (!create && !scale) w.roll++;
    yield { offsetMs: 0, op: create ? "apply" : scale ? "scale" : "roll", index, replicas, roll: w.roll, gapMs };
  }
}

/** Drives the workload until `signal` aborts (or, with `script`, until its changes are sent, each at its offset). */
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
}): Promise<WorkloadStats> {
  const stats: WorkloadStats = {
    applies: 0,
    scales: 0,
    rolls: 0,
    acked: 0,
    unknown: 0,
    refused: [],
    ops: [],
    history: [],
  };
  const startedAt = o.startedAt ?? Date.now();
  for (const planned of o.script ?? seededOps(o.prng, o.maxDeployments)) {
    if (o.script) await sleep(Math.max(0, startedAt + planned.offsetMs - Date.now()), o.signal);
    if (o.signal.aborted) break;
    const op = { ...planned, offsetMs: Date.now() - startedAt };
    stats.ops.push(op);
    const name = chaosName(op.index);
    const id = deploymentId("default", name);
    o.ledger.begin(id, op.replicas);
    const sentAt = Date.now();
    stats[op.op === "apply" ? "applies" : op.op === "roll" ? "rolls" : "scales"]++;
    const out =
      op.op === "scale"
        ? await intakeWithRetry(o.bus, "scale", { namespace: "default", name, replicas: op.replicas }, 30_000, o.signal)
        : await intakeWithRetry(
            o.bus,
            "apply",
            chaosManifest(op.index, op.replicas, op.roll, o.driver, o.hosts),
            30_000,
            o.signal,
          );
    const h = { id, op: op.op, replicas: op.replicas, sentAt, endedAt: Date.now() };
    if (out.kind === "ack") {
      stats.acked++;
      const acked = { replicas: out.reply.replicas ?? op.replicas, revision: out.reply.revision };
      o.ledger.ack(id, acked.replicas, acked.revision);
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
    if (!o.script) await sleep(op.gapMs, o.signal);
  }
  return stats;
}
