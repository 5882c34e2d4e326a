/** The chaos report: faults by kind, violations with details, convergence, and the one-line summary. */
import type { FaultRecord } from "./faults.js";
import type { HistoryVerdict } from "./history.js";
import type { ChaosScript } from "./replay.js";
import type { MonitorStats } from "./monitor.js";
import type { Violation } from "./violations.js";
import type { WorkloadStats } from "./workload.js";

/** Everything a run found. */
export interface ChaosReport {
  seed: number;
  driver: string;
  nodes: number;
  /** Size of the hosts lab, when the run had one. */
  hosts?: number;
  /** Host-invariant checks made (hosts lab only). */
  hostChecks?: number;
  replicasPerComponent: number;
  durationMs: number;
  faults: FaultRecord[];
  workload: WorkloadStats;
  monitor: MonitorStats;
  violations: Violation[];
  /** The history check after convergence, and where the history was written. */
  history?: HistoryVerdict & { file: string };
  /** Seconds from the end of faults to convergence (NaN when it did not converge). */
  convergeSeconds: number;
  /** `faults=N violations=M converge_s=X`. */
  summary: string;
  /** What the run did, to run it again (`tug chaos run --replay FILE`). */
  script: ChaosScript;
}

/** The summary line: delivered faults, violations, seconds to converge (or `timeout`). */
export function summaryLine(faults: FaultRecord[], violations: number, convergeSeconds: number): string {
  const n = faults.filter((f) => f.delivered).length;
  return `faults=${n} violations=${violations} converge_s=${Number.isFinite(convergeSeconds) ? convergeSeconds.toFixed(1) : "timeout"}`;
}

/** How far back the report lists faults before the first violation (its context). */
export const VIOLATION_CONTEXT_MS = 15_000;

/** The faults injected in the `VIOLATION_CONTEXT_MS` before violation `v` (nothing without one), one line each. */
export function faultsBefore(faults: FaultRecord[], v: Violation | undefined): string[] {
  if (!v) return [];
  const near = faults.filter((f) => f.at <= v.at && v.at - f.at <= VIOLATION_CONTEXT_MS);
  return [
    `faults in the ${VIOLATION_CONTEXT_MS / 1000} s before the first violation:`,
    ...near.map((f) => {
      const pause = f.pauseMs !== undefined ? ` for ${(f.pauseMs / 1000).toFixed(1)} s` : "";
      return `  [${new Date(f.at).toISOString()}] ${f.kind} ${f.target}${pause}${f.delivered ? "" : " (skipped: target down)"}`;
    }),
  ];
}

/** The human-readable report; its last line is the summary. */
export function formatReport(r: ChaosReport): string {
  const byKind = new Map<string, { delivered: number; skipped: number }>();
  for (const f of r.faults) {
    const k = byKind.get(f.kind) ?? { delivered: 0, skipped: 0 };
    if (f.delivered) k.delivered++;
    else k.skipped++;
    byKind.set(f.kind, k);
  }
  const w = r.workload;
  const lines = [
    `chaos run: seed=${r.seed} driver=${r.driver} nodes=${r.nodes}${r.hosts ? ` hosts=${r.hosts}` : ""} ` +
      `replicas-per-component=${r.replicasPerComponent} duration=${(r.durationMs / 1000).toFixed(0)}s`,
    "faults (delivered / skipped because the target was down):",
    ...[...byKind].sort().map(([k, v]) => `  ${k.padEnd(24)} ${String(v.delivered).padStart(5)} / ${v.skipped}`),
    `workload: ${w.applies} applies, ${w.scales} scales, ${w.rolls} rolls, ${w.deletes} deletes; ` +
      `${w.acked} acknowledged, ` +
      `${w.unknown} unanswered, ${w.refused.length} refused`,
    ...w.refused.slice(0, 10).map((x) => `  refused ${x.id}: ${x.code}: ${x.message}`),
    `checks: ${r.monitor.checks} snapshots (${r.monitor.unreadable} skipped while Redis was unreadable), ` +
      `${r.monitor.statusReports} status reports watched`,
    ...(r.hostChecks !== undefined
      ? [`host checks: ${r.hostChecks} (endpoints of NotReady nodes; stopAfterSeconds copies in the namespaces)`]
      : []),
    ...(r.history ? [historyLine(r.history)] : []),
    `violations: ${r.violations.length}`,
    ...r.violations
      .slice(0, 50)
      .map((v) => `  [${new Date(v.at).toISOString()}] ${v.invariant} ${v.subject}: ${v.detail}`),
    ...faultsBefore(r.faults, r.violations[0]),
    r.summary,
  ];
  return lines.join("\n");
}

/** The history check's line: operations, acknowledged ones checked, acknowledged writes lost. */
function historyLine(h: HistoryVerdict & { file: string }): string {
  return (
    `history: ${h.operations} operations, ${h.acknowledged} acknowledged, ${h.checked} objects checked at the end; ` +
    `lost acknowledged writes: ${h.lost.length} (${h.file})`
  );
}
