/**
 * Probes (readiness, liveness, startup): one check (`probeOnce`) and the threshold logic that turns repeated
 * checks into a state (`ProbeRunner`). Probes only ever go to the node's own address (`host`, default 127.0.0.1).
 */
import { execFile } from "node:child_process";
import { request } from "node:http";
import { connect } from "node:net";
import type { PortSpec, Probe } from "@tug/contracts";

/** The result of one check. */
export interface ProbeResult {
  ok: boolean;
  message?: string;
}

/** Where a replica's probes go: the first port to `hostPort`, port i ≥ 1 to `extraHostPorts[i-1]` when it has one. */
export interface ProbeTarget {
  /** The node's advertised address, where its replicas listen (default 127.0.0.1). */
  host?: string;
  hostPort: number;
  ports: PortSpec[];
  /** Host ports of the template's second, third… ports (docker driver); a port without one probes `hostPort`. */
  extraHostPorts?: number[];
  /** cwd and env for exec probes. */
  cwd?: string;
  env?: Record<string, string>;
}

/**
 * Resolves a probe's port (a number, or a name from template.ports) to the host port; undefined for an unknown name.
 */
export function resolveProbePort(port: number | string, target: ProbeTarget): number | undefined {
  const i = target.ports.findIndex((p) => (typeof port === "number" ? p.containerPort === port : p.name === port));
  if (i < 0) return typeof port === "number" ? target.hostPort : undefined;
  return (i > 0 ? target.extraHostPorts?.[i - 1] : undefined) ?? target.hostPort;
}

/** Runs one check of `probe` against `target`, bounded by `timeoutSeconds`. Never throws. */
export async function probeOnce(probe: Probe, target: ProbeTarget): Promise<ProbeResult> {
  const timeoutMs = probe.timeoutSeconds * 1000;
  if (probe.exec) return execCheck(probe.exec.command, target, timeoutMs);
  const spec = probe.http ?? probe.tcp;
  if (!spec) return { ok: false, message: "probe has no http, tcp or exec" };
  const port = resolveProbePort(spec.port, target);
  if (port === undefined) return { ok: false, message: `unknown port name ${JSON.stringify(spec.port)}` };
  const host = target.host ?? "127.0.0.1";
  return probe.http ? httpCheck(host, port, probe.http.path, timeoutMs) : tcpCheck(host, port, timeoutMs);
}

function httpCheck(host: string, port: number, path: string, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const req = request(
      { host, port, path, method: "GET", timeout: timeoutMs, agent: false, headers: { "user-agent": "tug-probe/1" } },
      (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        resolve(
          status >= 200 && status < 400
            ? { ok: true }
            : { ok: false, message: `HTTP probe failed with status ${status}` },
        );
      },
    );
    req.once("timeout", () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.once("error", (err) => resolve({ ok: false, message: `HTTP probe failed: ${err.message}` }));
    req.end();
  });
}

function tcpCheck(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const s = connect({ host, port, timeout: timeoutMs });
    s.once("connect", () => {
      s.destroy();
      resolve({ ok: true });
    });
    s.once("timeout", () => {
      s.destroy();
      resolve({ ok: false, message: `TCP probe timed out after ${timeoutMs} ms` });
    });
    s.once("error", (err) => resolve({ ok: false, message: `TCP probe failed: ${err.message}` }));
  });
}

function execCheck(command: string[], target: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    execFile(
      command[0]!,
      command.slice(1),
      { cwd: target.cwd, env: { ...process.env, ...target.env }, timeout: timeoutMs },
      (err) => {
        resolve(err ? { ok: false, message: `exec probe failed: ${err.message}` } : { ok: true });
      },
    );
  });
}

/** A probe's verdict: unknown until a threshold is reached. */
export type ProbeState = "unknown" | "success" | "failure";

/** Options of a ProbeRunner. */
export interface ProbeRunnerOptions {
  /** Starting state (an adopted replica's readiness starts as "success"). */
  initial?: ProbeState;
  /** Called when the state changes, with the last check's message. */
  onChange: (state: ProbeState, message?: string) => void;
  /** The check; defaults to `probeOnce(probe, target)`. */
  check?: () => Promise<ProbeResult>;
  /**
   * Until the first pass, check after this, then twice as long each time, up to the period (a starting replica turns
   * ready sooner).
   */
  startupIntervalMs?: number;
}

/**
 * Repeats a probe every periodSeconds after initialDelaySeconds (more often until its first pass when
 * `startupIntervalMs` is set: that interval, doubling up to the period); successThreshold consecutive passes make
 * it "success", failureThreshold consecutive failures make it "failure".
 */
export class ProbeRunner {
  private current: ProbeState;
  private successes = 0;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private passedOnce = false;
  private startupChecks = 0;

  constructor(
    private readonly probe: Probe,
    target: ProbeTarget,
    private readonly o: ProbeRunnerOptions,
  ) {
    this.current = o.initial ?? "unknown";
    this.check = o.check ?? (() => probeOnce(probe, target));
  }

  private readonly check: () => Promise<ProbeResult>;

  /** The current verdict. */
  get state(): ProbeState {
    return this.current;
  }

  /** Starts probing (after the initial delay, unless `skipDelay`). */
  start(skipDelay = false): void {
    this.stopped = false;
    this.schedule(skipDelay ? 0 : this.probe.initialDelaySeconds * 1000);
  }

  /** Stops probing; no callback fires afterwards. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const r = await this.check().catch((err: unknown): ProbeResult => ({ ok: false, message: String(err) }));
    if (this.stopped) return;
    this.record(r);
    const periodMs = this.probe.periodSeconds * 1000;
    const startup = this.o.startupIntervalMs;
    // before the first pass: the startup interval, doubling with every check (100, 200, 400 ms…) up to the period,
    // so a quick app is seen at once and a slow one (or fifty starting together) is not probed at 10 Hz meanwhile
    this.schedule(
      !this.passedOnce && startup !== undefined ? Math.min(startup * 2 ** this.startupChecks++, periodMs) : periodMs,
    );
  }

  private record(r: ProbeResult): void {
    if (r.ok) {
      this.passedOnce = true;
      this.successes++;
      this.failures = 0;
      if (this.current !== "success" && this.successes >= this.probe.successThreshold) this.set("success", r.message);
    } else {
      this.failures++;
      this.successes = 0;
      if (this.current !== "failure" && this.failures >= this.probe.failureThreshold) this.set("failure", r.message);
    }
  }

  private set(state: ProbeState, message?: string): void {
    this.current = state;
    this.o.onChange(state, message);
  }
}
