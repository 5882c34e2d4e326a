/**
 * One replica on this node: start through the driver, restart per policy with backoff, probes, graceful stop,
 * and its observed status. The ReplicaManager decides *whether* it should run; this class makes it so.
 */
import { constants } from "node:os";
import type { Assignment, ReplicaStatus, Template } from "@tug/contracts";
import { DriverError, type Driver, type ExitEvent, type ReplicaSpec, type RuntimeHandle } from "@tug/drivers";
import type { Logger } from "@tug/log";
import { sleep } from "@tug/runtime";
import { ProbeRunner, type ProbeTarget } from "./probes.js";
import { decideOnExit, RestartBackoff } from "./restart.js";

/** How long a process must run before it counts as ready when it has no readiness probe. */
export const SETTLE_MS = 100;

/**
 * Until a new replica's readiness probe first passes, it is checked after this, then at doubling intervals up to
 * periodSeconds, so a copy that starts listening quickly is ready at once, not up to a whole period later.
 */
export const READINESS_STARTUP_INTERVAL_MS = 100;

/** What a replica needs from its surroundings. */
export interface ReplicaContext {
  driver: Driver;
  node: string;
  /** The node's advertised address: probes go there (default 127.0.0.1). */
  address?: string;
  workdir: string;
  log: Logger;
  /** Called after every observable change (status is published coalesced). */
  changed: () => void;
  /** Swaps a host port someone else grabbed for a fresh one (undefined when the range is exhausted). */
  replacePort?: (taken: number) => Promise<number | undefined>;
}

type Phase = ReplicaStatus["phase"];

/** The observed and desired state of one replica, and the machinery that moves it. */
export class Replica {
  desired: "run" | "stop" = "run";
  template: Template | undefined;
  hostPort: number | undefined;
  /** Host ports of the template's second, third… ports (docker driver), in template order. */
  extraHostPorts: number[] | undefined;
  deployment = "";
  revision = 0;
  phase: Phase = "Starting";
  ready = false;
  restarts = 0;
  exitCode: number | null | undefined;
  /** The last exit (or failed start) with its reason and time; kept across the restart that follows. */
  lastExit: { code: number | null; reason: string; at: number; message?: string } | undefined;
  reason: string | undefined;
  message: string | undefined;
  handle: RuntimeHandle | undefined;
  /** Set when the manager is stopping it because no assignment claims it. */
  orphaned = false;
  /**
   * Set when the worker stopped it because the node was cut off from the cluster longer than its
   * `disconnect.stopAfterSeconds`; it starts again only after the next successful sync still assigns it.
   */
  cutOff = false;
  /** Its deployment autoscales on CPU: the worker samples its usage. */
  sampleUsage = false;

  private readonly backoff = new RestartBackoff();
  private probes: ProbeRunner[] = [];
  private restartTimer: NodeJS.Timeout | undefined;
  private readyTimer: NodeJS.Timeout | undefined;
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private killReason: { reason: string; message?: string } | undefined;

  constructor(
    readonly id: string,
    private readonly ctx: ReplicaContext,
  ) {}

  /** A replica re-attached after a worker restart: Running, assumed ready until its probes say otherwise. */
  static adopt(handle: RuntimeHandle, ctx: ReplicaContext): Replica {
    const r = new Replica(handle.replicaId, ctx);
    Object.assign(r, {
      handle,
      hostPort: handle.hostPort,
      deployment: handle.deployment,
      revision: handle.revision,
      phase: "Running",
      ready: true,
    });
    return r;
  }

  /**
   * Its template's `disconnect.stopAfterSeconds`; for a replica adopted and not yet assigned, the one it was started
   * with (RuntimeHandle.stopAfterSeconds), so a worker restarted while cut off still stops it in time.
   */
  get stopAfterSeconds(): number | undefined {
    return this.template ? this.template.disconnect?.stopAfterSeconds : this.handle?.stopAfterSeconds;
  }

  /** Takes the assignment's desired state and template; an adopted replica starts its probes once it knows them. */
  assign(a: Assignment): void {
    const first = this.template === undefined;
    this.desired = a.replica.desired;
    this.deployment = a.replica.deployment;
    this.revision = a.replica.revision;
    this.template = a.template;
    this.sampleUsage = a.sampleUsage === true;
    // an adopted container keeps its further host ports across its own restarts
    if (this.extraHostPorts === undefined && this.handle?.portBindings)
      this.extraHostPorts = this.extraPorts(a.template);
    this.orphaned = false;
    this.cutOff = false;
    if (first && this.handle && this.phase === "Running" && this.desired === "run") this.startProbes(true);
  }

  /** True when it should run and nothing runs, starts, waits to restart or stops. */
  get needsStart(): boolean {
    return (
      this.desired === "run" &&
      !this.orphaned &&
      !this.cutOff &&
      this.template !== undefined &&
      this.hostPort !== undefined &&
      !this.handle &&
      !this.starting &&
      !this.stopping &&
      !this.restartTimer &&
      this.phase !== "Failed" &&
      this.phase !== "Succeeded"
    );
  }

  /** True while a process runs, starts, stops or waits to restart. */
  get active(): boolean {
    return !!(this.handle || this.starting || this.stopping || this.restartTimer);
  }

  /** Starts the process (when `needsStart`). */
  start(): Promise<void> {
    if (!this.needsStart) return this.starting ?? Promise.resolve();
    this.starting = this.doStart().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async doStart(): Promise<void> {
    const t = this.template!;
    this.set({ phase: "Starting", ready: false });
    this.killReason = undefined;
    let handle: RuntimeHandle;
    try {
      handle = await this.ctx.driver.start(this.spec(t));
    } catch (err) {
      const e =
        err instanceof DriverError ? err : new DriverError("StartError", String((err as Error)?.message ?? err), false);
      this.ctx.log.warn({ replica: this.id, reason: e.reason, err: e.message }, "replica failed to start");
      if (e.reason === "PortInUse" && this.hostPort !== undefined && this.ctx.replacePort)
        this.hostPort = (await this.ctx.replacePort(this.hostPort)) ?? this.hostPort;
      if (e.permanent) this.set({ phase: "Failed", reason: e.reason, message: e.message });
      else this.afterExit(null, e.reason, e.message, 0);
      return;
    }
    this.handle = handle;
    this.ctx.log.info({ replica: this.id, ref: handle.ref, hostPort: this.hostPort }, "replica started");
    if (this.desired === "stop" || this.orphaned || this.cutOff) {
      void this.stop();
      return;
    }
    this.set({ phase: "Running", reason: undefined, message: undefined });
    this.startProbes(false);
  }

  /** The driver reports that a process ended; exits of other (older) handles are ignored. */
  onExit(e: ExitEvent): void {
    if (e.handle !== this.handle) return;
    this.handle = undefined;
    this.clearProbes();
    if (this.stopping || this.desired === "stop" || this.orphaned || this.cutOff) return;
    const code = e.code ?? (e.signal ? 128 + (constants.signals[e.signal] ?? 0) : null);
    const kill = this.killReason;
    this.killReason = undefined;
    this.ctx.log.info({ replica: this.id, code: e.code, signal: e.signal, reason: kill?.reason }, "replica exited");
    // A process killed for failing its probes has failed, whatever code its SIGTERM handler exited with.
    this.afterExit(
      code,
      kill?.reason ?? e.reason,
      kill?.message,
      Date.now() - e.handle.startedAt,
      kill && code === 0 ? null : code,
      e.message,
    );
  }

  /**
   * Applies the restart policy to an exit (or a failed start); `code` is null when unknown. `output` (what it
   * printed last, from the driver) is kept with the last exit only, not in the phase message.
   */
  private afterExit(
    code: number | null,
    reason: string | undefined,
    message: string | undefined,
    ranMs: number,
    policyCode = code,
    output?: string,
  ): void {
    this.exitCode = code;
    this.lastExit = {
      code,
      reason: reason ?? (policyCode === 0 ? "Completed" : "Error"),
      at: Date.now(),
      ...(output ? { message: output.slice(0, 4096) } : {}),
    };
    if (!this.template) {
      this.set({
        phase: "CrashLoopBackOff",
        ready: false,
        reason: reason ?? "Error",
        message: "exited before its assignment was known; restarts once it is",
      });
      return;
    }
    const decision = decideOnExit(this.template.restartPolicy, policyCode);
    if (decision === "succeeded") return this.set({ phase: "Succeeded", ready: false, reason: "Completed", message });
    if (decision === "failed")
      return this.set({
        phase: "Failed",
        ready: false,
        reason: reason ?? "Error",
        message: message ?? `exited with code ${code}`,
      });
    const delay = this.backoff.next(ranMs);
    this.restarts++;
    const why = reason ?? (policyCode === 0 ? "Completed" : "Error");
    if (delay === 0) {
      this.set({ phase: "Starting", ready: false, reason: why, message });
      void this.start();
      return;
    }
    this.set({
      phase: "CrashLoopBackOff",
      ready: false,
      reason: why,
      message: `${message ? `${message}; ` : ""}back-off ${delay} ms restarting`,
    });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      void this.start();
    }, delay);
  }

  /**
   * Stops gracefully: not ready at once, then after `drainMs` (time for balancers to stop sending new work here)
   * SIGTERM, then SIGKILL after the grace period. Idempotent; ends in phase Stopped.
   */
  stop(drainMs = 0): Promise<void> {
    if (this.stopping) return this.stopping;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.clearProbes();
    const graceMs = (this.template?.terminationGracePeriodSeconds ?? 10) * 1000;
    this.stopping = (async () => {
      this.set({ ready: false });
      await this.starting;
      if (drainMs > 0 && this.handle) {
        this.ctx.log.info({ replica: this.id, drainMs }, "draining before stop");
        await sleep(drainMs);
      }
      const h = this.handle;
      if (h) await this.ctx.driver.stop(h, graceMs);
      if (this.handle === h) this.handle = undefined;
      this.set({ phase: "Stopped", ready: false, reason: "Stopped", message: this.stopMessage() });
    })().finally(() => {
      this.stopping = undefined;
    });
    return this.stopping;
  }

  private stopMessage(): string | undefined {
    if (this.orphaned) return "no assignment claims it";
    return this.cutOff ? "node cut off from the cluster longer than disconnect.stopAfterSeconds" : undefined;
  }

  /** Forgets timers and probes without touching the process (worker shutdown leaving replicas running). */
  close(): void {
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.clearProbes();
  }

  /** The observed status, as reported to the health-monitor. */
  status(): ReplicaStatus {
    const s: ReplicaStatus = { id: this.id, phase: this.phase, ready: this.ready, restarts: this.restarts };
    if (this.hostPort !== undefined && this.phase !== "Stopped") s.hostPort = this.hostPort;
    if (this.exitCode !== undefined) s.exitCode = this.exitCode;
    if (this.lastExit !== undefined) s.lastExit = this.lastExit;
    if (this.reason !== undefined) s.reason = this.reason;
    if (this.message !== undefined) s.message = this.message.slice(0, 4096);
    return s;
  }

  private spec(t: Template): ReplicaSpec {
    const env = {
      ...t.env,
      TUG_REPLICA_ID: this.id,
      TUG_NODE: this.ctx.node,
      TUG_REVISION: String(this.revision),
      PORT: String(this.hostPort),
    };
    return {
      id: this.id,
      deployment: this.deployment,
      revision: this.revision,
      node: this.ctx.node,
      hostPort: this.hostPort!,
      extraHostPorts: this.extraPorts(t),
      template: t,
      env,
    };
  }

  /** Extra host ports in template order: allocated ones, or for an adopted container its own bindings. */
  private extraPorts(t: Template): number[] | undefined {
    const bound = this.handle?.portBindings;
    if (!bound) return this.extraHostPorts;
    return t.ports.slice(1).flatMap((p) => (bound[p.containerPort] !== undefined ? [bound[p.containerPort]!] : []));
  }

  /** Readiness, liveness and startup probes; `adopted` replicas skip the startup probe and start out ready. */
  private startProbes(adopted: boolean): void {
    this.clearProbes();
    if (this.ctx.driver.hollow) return this.set({ ready: true });
    const t = this.template!;
    const spec = this.spec(t);
    const target: ProbeTarget = {
      host: this.ctx.address,
      hostPort: this.hostPort!,
      ports: t.ports,
      extraHostPorts: spec.extraHostPorts,
      cwd: this.ctx.workdir,
      env: spec.env,
    };
    const main = () => {
      if (t.readinessProbe) {
        this.probe(
          t.readinessProbe,
          target,
          adopted ? "success" : "unknown",
          (s, msg) => this.set({ ready: s === "success", message: s === "failure" ? msg : undefined }),
          adopted ? undefined : READINESS_STARTUP_INTERVAL_MS,
        );
      } else if (adopted) {
        this.set({ ready: true });
      } else {
        this.readyTimer = setTimeout(() => this.handle && this.set({ ready: true }), SETTLE_MS);
      }
      if (t.livenessProbe)
        this.probe(
          t.livenessProbe,
          target,
          "unknown",
          (s, msg) => s === "failure" && this.kill("Unhealthy", `liveness probe failed: ${msg ?? ""}`),
        );
    };
    if (t.startupProbe && !adopted) {
      const startup = this.probe(t.startupProbe, target, "unknown", (s, msg) => {
        if (s === "success") {
          startup.stop();
          main();
        } else this.kill("Unhealthy", `startup probe failed: ${msg ?? ""}`);
      });
    } else main();
  }

  private probe(
    p: NonNullable<Template["readinessProbe"]>,
    target: ProbeTarget,
    initial: "unknown" | "success",
    onChange: (s: string, msg?: string) => unknown,
    startupIntervalMs?: number,
  ): ProbeRunner {
    const r = new ProbeRunner(p, target, { initial, onChange: (s, msg) => void onChange(s, msg), startupIntervalMs });
    this.probes.push(r);
    r.start();
    return r;
  }

  /** Kills the process because a probe failed; the exit then goes through the restart policy with `reason`. */
  private kill(reason: string, message: string): void {
    const h = this.handle;
    if (!h || this.killReason) return;
    this.ctx.log.warn({ replica: this.id, reason, message }, "killing replica");
    this.killReason = { reason, message };
    this.clearProbes();
    this.set({ ready: false });
    void this.ctx.driver.stop(h, (this.template?.terminationGracePeriodSeconds ?? 10) * 1000);
  }

  private clearProbes(): void {
    for (const p of this.probes) p.stop();
    this.probes = [];
    clearTimeout(this.readyTimer);
    this.readyTimer = undefined;
  }

  private set(patch: Partial<Pick<Replica, "phase" | "ready" | "reason" | "message">>): void {
    const self = this as unknown as Record<string, unknown>;
    let change = false;
    for (const [k, v] of Object.entries(patch)) {
      if (self[k] !== v) {
        self[k] = v;
        change = true;
      }
    }
    if (change) this.ctx.changed();
  }
}
