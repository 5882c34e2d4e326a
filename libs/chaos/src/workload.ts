/**
 * The chaos workload: a seeded sequence of applies (up to `maxDeployments`), scales (1..6) and rolls (env change →
 * new revision), sent one at a time through the NATS intake; every acknowledged change goes into the ledger.
 */
import type { Bus } from "@tug/bus";
import { deploymentId } from "@tug/contracts";
import { sleep } from "@tug/runtime";
import { intakeWithRetry } from "./intake.js";
import type { AckLedger } from "./ledger.js";
import { chaosManifest, chaosName } from "./manifests.js";
import type { ChaosDriver } from "./options.js";
import type { Prng } from "./prng.js";

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
}

/** Drives the workload until `signal` aborts. */
export async function runWorkload(o: { bus: Bus; prng: Prng; ledger: AckLedger; driver: ChaosDriver; maxDeployments: number; signal: AbortSignal }): Promise<WorkloadStats> {
  const stats: WorkloadStats = { applies: 0, scales: 0, rolls: 0, acked: 0, unknown: 0, refused: [] };
  const want: Array<{ replicas: number; roll: number }> = [];
  while (!o.signal.aborted) {
    const create = want.length < o.maxDeployments && (want.length === 0 || o.prng.next() < 0.25);
    const i = create ? want.length : o.prng.int(0, want.length - 1);
    const scale = !create && o.prng.next() < 0.5;
    const replicas = create || scale ? o.prng.int(1, 6) : want[i]!.replicas;
    const gap = o.prng.int(100, 600);
    if (create) want.push({ replicas, roll: 0 });
    const w = want[i]!;
    w.replicas = replicas;
    if (!create && !scale) w.roll++;
    const id = deploymentId("default", chaosName(i));
    o.ledger.begin(id, replicas);
    const out = scale
      ? (stats.scales++, await intakeWithRetry(o.bus, "scale", { namespace: "default", name: chaosName(i), replicas }, 30_000, o.signal))
      : (create ? stats.applies++ : stats.rolls++, await intakeWithRetry(o.bus, "apply", chaosManifest(i, replicas, w.roll, o.driver), 30_000, o.signal));
    if (out.kind === "ack") {
      stats.acked++;
      o.ledger.ack(id, out.reply.replicas ?? replicas, out.reply.revision);
    } else if (out.kind === "unknown") {
      stats.unknown++;
      o.ledger.fail(id);
    } else {
      stats.refused.push({ id, code: out.error.code, message: out.error.message });
      o.ledger.refused(id);
    }
    await sleep(gap, o.signal);
  }
  return stats;
}
