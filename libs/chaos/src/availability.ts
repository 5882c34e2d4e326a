/**
 * The availability invariant of a chaos run: outside fault windows, the controller never retires a deployment below
 * desired − maxUnavailable ready replicas during a rollout or a scale. Between two snapshots, the ready count is
 * taken as if only the controller had acted (replicas that turned unready or vanished without being retired still
 * count): a violation is that count falling below the floor, or further while below it.
 */
import { resolveAmount } from "@tug/contracts";
import type { FaultRecord } from "./faults.js";
import type { Snapshot } from "./snapshot.js";
import type { ViolationBook } from "./violations.js";

/** How long after a fault (or the end of a pause) readiness is not held against the planner. */
export const FAULT_RECOVERY_MS = 10_000;

/** Components whose faults disturb readiness everywhere (status ingestion, the bus, the store). */
const GLOBAL_TARGETS = /^(nats|redis|health-monitor-\d+)$/;
/** Control-plane faults that do not touch readiness by themselves (the planner's own races are what we check). */
const HARMLESS_TARGETS = /^(controller|scheduler|autoscaler|registry|proxy)-\d+$/;

/**
 * The windows in which faults disturb readiness: node-scoped for worker and replica faults, cluster-wide for NATS,
 * Redis, health-monitor and host faults; each lasts from injection to its pause's end plus `recoveryMs`.
 */
export class FaultWindows {
  private globalUntil = 0;
  private readonly nodeUntil = new Map<string, number>();

  constructor(private readonly recoveryMs = FAULT_RECOVERY_MS) {}

  /** Records a fault as injected (undelivered ones changed nothing and are ignored). */
  add(f: FaultRecord): void {
    if (!f.delivered || HARMLESS_TARGETS.test(f.target)) return;
    const until = f.at + (f.pauseMs ?? 0) + this.recoveryMs;
    const node =
      f.kind === "kill-worker" || f.kind === "pause-worker"
        ? f.target.replace(/^worker-/, "")
        : f.kind === "kill-replica"
          ? f.target.split("/")[0]!
          : undefined;
    if (node === undefined || GLOBAL_TARGETS.test(f.target)) this.globalUntil = Math.max(this.globalUntil, until);
    else this.nodeUntil.set(node, Math.max(this.nodeUntil.get(node) ?? 0, until));
  }

  /** True while a fault may still be disturbing readiness on `node` (or everywhere). */
  disturbed(node: string | null, now: number): boolean {
    return now < this.globalUntil || (node !== null && now < (this.nodeUntil.get(node) ?? 0));
  }
}

/** Checks availability snapshot by snapshot; keeps the previous ready set and recent desired counts per deployment. */
export class AvailabilityWatch {
  /** Per deployment: its ready replicas at the previous snapshot (id → node). */
  private readonly prev = new Map<string, Map<string, string | null>>();
  private readonly desired = new Map<string, Array<{ at: number; floor: number }>>();

  /** `windowMs`: a desired count of this long ago still counts (a snapshot is not atomic across a scale). */
  constructor(
    private readonly windows: FaultWindows,
    private readonly book: ViolationBook,
    private readonly windowMs = 5_000,
  ) {}

  /** Checks one snapshot. */
  check(s: Snapshot): void {
    for (const id of this.prev.keys()) if (!s.deployments.has(id)) this.forget(id);
    const byDeployment = new Map<string, Snapshot["replicas"]>();
    for (const r of s.replicas) byDeployment.set(r.deployment, [...(byDeployment.get(r.deployment) ?? []), r]);
    for (const d of s.deployments.values()) {
      const replicas = byDeployment.get(d.id) ?? [];
      const ready = new Map(replicas.filter((r) => r.desired === "run" && r.ready).map((r) => [r.id, r.node]));
      const floor = this.floor(d.id, d.replicas - resolveAmount(d.strategy.maxUnavailable, d.replicas, false), s.at);
      const before = this.prev.get(d.id);
      this.prev.set(d.id, ready);
      if (!before || d.strategy.type === "Recreate") continue;
      // As if only the planner had acted: replicas that left the ready set without being retired (a probe blip, a
      // lost node, a crash) count as still ready, so a blip racing a correct retire is not held against it.
      const retired = replicas.filter((r) => r.desired === "stop" && before.has(r.id));
      const leftByThemselves = before.size - [...before.keys()].filter((id) => ready.has(id)).length - retired.length;
      if (ready.size + leftByThemselves >= Math.min(floor, before.size)) continue;
      const nodes = [...replicas.map((r) => r.node), ...before.values()];
      if (nodes.some((n) => this.windows.disturbed(n, s.at))) continue;
      this.book.add(
        "too-few-ready",
        d.id,
        `${ready.size} ready replicas (was ${before.size}), at least ${floor} wanted` +
          ` (desired − maxUnavailable); retired while ready: ${retired.map((r) => r.id).join(", ")}`,
        s.at,
      );
    }
  }

  /** The lowest floor of the last `windowMs` (a scale-down lowers it at once, a scale-up only after the window). */
  private floor(id: string, now: number, at: number): number {
    const h = (this.desired.get(id) ?? []).filter((e) => at - e.at <= this.windowMs);
    h.push({ at, floor: now });
    this.desired.set(id, h);
    return Math.min(...h.map((e) => e.floor));
  }

  private forget(id: string): void {
    this.prev.delete(id);
    this.desired.delete(id);
  }
}
