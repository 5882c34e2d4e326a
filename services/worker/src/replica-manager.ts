/**
 * Diffs the node's assignment list against the replicas that run here, and acts: start what should run, stop
 * what should stop, and stop what no assignment claims once it has been missing for the orphan grace period
 * (the split-brain fence). A failed sync never reaches this class, so nothing changes when the control plane is down.
 */
import type { ReplicaStatus } from "@tug/contracts";
import type { ExitEvent, RuntimeHandle } from "@tug/drivers";
import type { ParsedSync } from "./assignments.js";
import type { PortAllocator } from "./ports.js";
import { Replica, type ReplicaContext } from "./replica.js";

/** What the manager needs besides a replica's context. */
export interface ManagerOptions extends ReplicaContext {
  ports: PortAllocator;
  orphanGraceMs: number;
  /** Wait between an assignment turning `stop` (the replica already left the endpoints) and SIGTERM (default 0). */
  drainDelayMs?: number;
  now?: () => number;
}

/** Result of applying one sync: when to look again for pending orphans. */
export interface ApplyResult {
  /** Ms until the earliest missing replica's grace ends (sync again then), if any. */
  recheckInMs?: number;
}

/** Owns every replica on the node. */
export class ReplicaManager {
  private readonly replicas = new Map<string, Replica>();
  private readonly missingSince = new Map<string, number>();
  private readonly now: () => number;

  /** What each replica gets: the manager's options plus a way to swap a host port that was taken meanwhile. */
  private readonly replicaContext: ManagerOptions;

  constructor(private readonly o: ManagerOptions) {
    this.now = o.now ?? Date.now;
    this.replicaContext = {
      ...o,
      replacePort: async (taken) => {
        const fresh = await o.ports.allocate().catch(() => undefined);
        if (fresh !== undefined) o.ports.release(taken);
        return fresh;
      },
    };
  }

  /** Takes over replicas a previous worker left running (from `driver.recover()`). */
  adopt(handles: RuntimeHandle[]): void {
    for (const h of handles) {
      this.o.ports.reserve(h.hostPort);
      for (const port of Object.values(h.portBindings ?? {})) this.o.ports.reserve(port);
      this.replicas.set(h.replicaId, Replica.adopt(h, this.o));
      this.o.log.info({ replica: h.replicaId, ref: h.ref, hostPort: h.hostPort }, "adopted replica");
    }
    if (handles.length) this.o.changed();
  }

  /** Routes a driver exit event to its replica. */
  onExit(e: ExitEvent): void {
    this.replicas.get(e.handle.replicaId)?.onExit(e);
  }

  /** Applies a full, validated assignment list. */
  async apply(sync: ParsedSync): Promise<ApplyResult> {
    const now = this.now();
    const listed = new Set<string>(sync.malformed.flatMap((m) => (m.id ? [m.id] : [])));
    for (const a of sync.assignments) {
      const id = a.replica.id;
      listed.add(id);
      this.missingSince.delete(id);
      let r = this.replicas.get(id);
      if (!r) {
        r = new Replica(id, this.replicaContext);
        this.replicas.set(id, r);
      }
      r.assign(a);
      if (a.replica.desired === "stop") {
        if (r.active) void r.stop(this.o.drainDelayMs ?? 0);
        else if (r.phase !== "Stopped") r.phase = "Stopped";
        continue;
      }
      if (r.hostPort === undefined) r.hostPort = await this.allocatePort(r);
      if (r.hostPort !== undefined && r.extraHostPorts === undefined && !r.handle)
        r.extraHostPorts = await this.allocateExtraPorts(r);
      if (r.needsStart) void r.start();
    }
    let recheckInMs: number | undefined;
    for (const [id, r] of this.replicas) {
      if (listed.has(id)) continue;
      if (!r.active) {
        this.remove(id, r);
        continue;
      }
      if (r.orphaned) continue;
      const since = this.missingSince.get(id) ?? now;
      this.missingSince.set(id, since);
      const left = since + this.o.orphanGraceMs - now;
      if (left > 0) {
        recheckInMs = Math.min(recheckInMs ?? left, left);
        continue;
      }
      this.o.log.warn({ replica: id }, "no assignment claims this replica; stopping it");
      r.orphaned = true;
      void r.stop().then(() => r.orphaned && this.remove(id, r));
    }
    this.o.changed();
    return recheckInMs === undefined ? {} : { recheckInMs };
  }

  /**
   * The node has not reached the cluster for `offlineMs`: stops every replica whose deployment asks for it
   * (`disconnect.stopAfterSeconds` ≤ that long). They stay stopped until a sync assigns them again. Returns their ids.
   */
  stopCutOff(offlineMs: number): string[] {
    const stopped: string[] = [];
    for (const r of this.replicas.values()) {
      const after = r.stopAfterSeconds;
      if (after === undefined || r.cutOff || r.desired !== "run" || offlineMs < after * 1000) continue;
      r.cutOff = true;
      stopped.push(r.id);
      this.o.log.warn(
        { replica: r.id, offlineMs, stopAfterSeconds: after },
        "cut off from the cluster too long; stopping the replica (disconnect.stopAfterSeconds)",
      );
      if (r.active) void r.stop();
    }
    if (stopped.length) this.o.changed();
    return stopped;
  }

  /** The shortest `disconnect.stopAfterSeconds` (ms) among replicas that should run, or undefined. */
  shortestStopAfterMs(): number | undefined {
    let min: number | undefined;
    for (const r of this.replicas.values()) {
      const after = r.stopAfterSeconds;
      if (after !== undefined && r.desired === "run") min = Math.min(min ?? Infinity, after * 1000);
    }
    return min;
  }

  /** Full snapshot of every replica the worker knows. */
  snapshot(): ReplicaStatus[] {
    return [...this.replicas.values()].map((r) => r.status());
  }

  /** Replicas with a live process whose usage the worker samples (their deployment autoscales on CPU). */
  sampled(): Array<{ id: string; deployment: string; handle: RuntimeHandle }> {
    return [...this.replicas.values()].flatMap((r) =>
      r.handle && r.sampleUsage
        ? [{ id: r.id, deployment: r.deployment || r.handle.deployment, handle: r.handle }]
        : [],
    );
  }

  /** The replica with `id` (tests and diagnostics). */
  get(id: string): Replica | undefined {
    return this.replicas.get(id);
  }

  /** Stops every replica gracefully (TUG_WORKER_STOP_ON_EXIT). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.replicas.values()].map((r) => r.stop()));
  }

  /** Drops timers and probes; processes keep running. */
  close(): void {
    for (const r of this.replicas.values()) r.close();
  }

  private async allocatePort(r: Replica): Promise<number | undefined> {
    try {
      return await this.o.ports.allocate();
    } catch (err) {
      r.reason = "NoHostPort";
      r.message = String((err as Error).message);
      return undefined;
    }
  }

  /** One more host port per further container port (docker publishes each; the first port has `hostPort`). */
  private async allocateExtraPorts(r: Replica): Promise<number[] | undefined> {
    const n = this.o.driver.name === "docker" ? Math.max(0, (r.template?.ports.length ?? 0) - 1) : 0;
    const got: number[] = [];
    for (let i = 0; i < n; i++) {
      const port = await this.allocatePort(r);
      if (port === undefined) break; // the rest stay unpublished; the reason says why
      got.push(port);
    }
    return got;
  }

  private remove(id: string, r: Replica): void {
    if (this.replicas.get(id) !== r) return;
    r.close();
    this.replicas.delete(id);
    this.missingSince.delete(id);
    for (const port of [r.hostPort, ...(r.extraHostPorts ?? []), ...Object.values(r.handle?.portBindings ?? {})])
      if (port !== undefined) this.o.ports.release(port);
    this.o.changed();
  }
}
