/**
 * Replay scripts: what a chaos run did (its cluster shape, every fault and every workload change, each with its
 * offset from the start), written as JSON so that a failed run can be run again with the same schedule
 * (`tug chaos run --replay FILE`). A seed alone does not replay a run: which process a fault finds, and when each
 * change is sent, depend on timing.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { TugError } from "@tug/contracts";
import { z } from "zod";
import { FAULT_KINDS, type FaultRecord } from "./faults.js";
import { CHAOS_DRIVERS } from "./options.js";
import type { WorkloadOp } from "./workload.js";

const offsetMs = z
  .number()
  .int()
  .min(0)
  .max(7 * 86_400_000);
const scriptSchema = z.object({
  v: z.literal(1),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1),
  nodes: z.number().int().min(1).max(50),
  /** A hosts lab's size (absent or 0: none). */
  hosts: z.number().int().min(0).max(20).optional(),
  /** Recorded on an `--ha` cluster. */
  ha: z.boolean().optional(),
  driver: z.enum(CHAOS_DRIVERS),
  replicasPerComponent: z.number().int().min(1).max(8),
  orphanGraceMs: z.number().int().min(0).max(600_000),
  durationMs: z
    .number()
    .int()
    .min(1_000)
    .max(7 * 86_400_000),
  faults: z
    .array(
      z.object({
        offsetMs,
        kind: z.enum(FAULT_KINDS),
        target: z.string().min(1).max(300),
        pauseMs: z.number().int().min(0).max(600_000).optional(),
      }),
    )
    .max(1_000_000),
  workload: z
    .array(
      z.object({
        offsetMs,
        op: z.enum(["apply", "roll", "scale", "delete"]),
        index: z.number().int().min(0).max(99),
        replicas: z.number().int().min(0).max(1_000),
        roll: z.number().int().min(0),
        gapMs: z.number().int().min(0).max(600_000),
        client: z.number().int().min(0).max(99).optional(),
      }),
    )
    .max(1_000_000),
});

/** A recorded run. */
export type ChaosScript = z.output<typeof scriptSchema>;

/** The script of a finished run: its shape, its delivered faults and every change it sent. */
export function scriptOf(
  run: Omit<ChaosScript, "v" | "faults" | "workload">,
  startedAt: number,
  faults: FaultRecord[],
  ops: WorkloadOp[],
): ChaosScript {
  const planned: ChaosScript["faults"] = faults
    .filter((f) => f.delivered)
    .map((f) => ({
      offsetMs: Math.max(0, f.at - startedAt),
      kind: f.kind,
      target: f.target,
      ...(f.pauseMs !== undefined ? { pauseMs: f.pauseMs } : {}),
    }));
  return { v: 1, ...run, faults: planned, workload: ops };
}

/** The cluster shape and duration a script was recorded with (what a replay runs again). */
export function shapeOf(s: ChaosScript): Omit<ChaosScript, "v" | "faults" | "workload"> {
  const { v: _v, faults: _f, workload: _w, ...shape } = s;
  return shape;
}

/** Reads and validates a script; throws TugError(VALIDATION_FAILED) naming the bad field. */
export function readScript(file: string): ChaosScript {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new TugError("VALIDATION_FAILED", `cannot read replay script ${file}: ${(err as Error).message}`, "replay");
  }
  const r = scriptSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new TugError(
      "VALIDATION_FAILED",
      `replay script ${file}: ${issue.message}`,
      ["replay", ...issue.path].join("."),
    );
  }
  return r.data;
}

/** Writes `s` to `file` (JSON, one fault or change per line). */
export function writeScript(file: string, s: ChaosScript): void {
  const lines = (xs: unknown[]) => xs.map((x) => `    ${JSON.stringify(x)}`).join(",\n");
  const { faults, workload, ...head } = s;
  const text = `${JSON.stringify(head).slice(0, -1)},\n  "faults": [\n${lines(faults)}\n  ],\n  "workload": [\n${lines(workload)}\n  ]\n}\n`;
  writeFileSync(file, text);
}
