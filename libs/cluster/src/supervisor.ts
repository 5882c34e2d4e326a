/**
 * Supervisor: runs child processes, captures their output line by line, restarts the ones that exit unexpectedly
 * (with backoff), and stops them all in tiers (lowest tier first) with SIGTERM, then SIGKILL after a timeout.
 * It only ever signals the PIDs it spawned itself, and SIGKILLs any still alive if the parent process exits.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { LineCapture, type LineSink } from "./lines.js";
import { RestartPolicy, type RestartPolicyOptions } from "./restart-policy.js";

/** What to run. */
export interface ChildSpec {
  /** Unique name, used in log prefixes, the log file name and kill()/restart(). */
  name: string;
  /** Free-form group (e.g. `controller`, `worker`, `nats`); defaults to the name. */
  role?: string;
  cmd: string;
  args?: string[];
  /** Added on top of the parent's environment. */
  env?: Record<string, string>;
  cwd?: string;
  /** Stop order: lower tiers are stopped (and confirmed gone) before higher ones. Default 0. */
  tier?: number;
  /**
   * Runs before each restart after an unexpected exit (not before the first start, nor a deliberate restart()),
   * e.g. to rewrite a config file; it must be bounded. `note` writes a line to the child's log. A rejection is noted
   * in the log and the restart goes ahead.
   */
  beforeRestart?: (note: (line: string) => void) => Promise<void>;
  /**
   * Runs after each start (the first and every restart), without holding anything up, e.g. to set what a config
   * file cannot; it must be bounded. `note` writes a line to the child's log; a rejection is noted there.
   */
  afterStart?: (note: (line: string) => void) => Promise<void>;
  /** This child's restart backoff, over the supervisor's (SupervisorOptions.restart). */
  restart?: RestartPolicyOptions;
}

/** A child's current state. */
export interface ChildInfo {
  name: string;
  role: string;
  /** PID of the current process; undefined while waiting to restart. */
  pid: number | undefined;
  running: boolean;
  /** How many times it has been started again after the first start. */
  restarts: number;
}

/** Lifecycle notifications, for logs and tests. */
export type SupervisorEvent =
  | { type: "start"; name: string; pid: number | undefined }
  | { type: "exit"; name: string; pid: number | undefined; code: number | null; signal: NodeJS.Signals | null }
  | { type: "restart-scheduled"; name: string; delayMs: number };

export interface SupervisorOptions {
  /** When set, each child's output is appended to `<logDir>/<name>.log` (the directory must exist). */
  logDir?: string;
  /** Receives every output line. */
  onLine?: LineSink;
  /** Receives lifecycle events. */
  onEvent?: (e: SupervisorEvent) => void;
  restart?: RestartPolicyOptions;
  /** How long stop() waits after SIGTERM before SIGKILL (default 10 s). */
  stopTimeoutMs?: number;
  /**
   * Until when (epoch ms) a child must not be restarted after an unexpected exit; 0 = no hold. Polled every
   * 250 ms while it holds, so lifting a hold takes effect quickly. Deliberate restart() calls ignore it.
   */
  holdUntil?: (name: string) => number;
}

/** How often a held restart looks at its hold again (ms). */
const HOLD_POLL_MS = 250;

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** The ChildSpec fields without a default (`restart` is read once, when the child is made). */
type Unset = "cwd" | "beforeRestart" | "afterStart" | "restart";

interface Child {
  spec: Required<Omit<ChildSpec, Unset>> & Pick<ChildSpec, Unset>;
  proc?: ChildProcess;
  exited: Promise<void>;
  startedAt: number;
  restarts: number;
  timer?: NodeJS.Timeout;
  restartNow: boolean;
  policy: RestartPolicy;
  capture: LineCapture;
}

/** Supervises a set of named child processes. */
export class Supervisor {
  private readonly children = new Map<string, Child>();
  private stopping = false;
  private readonly stopTimeoutMs: number;
  private readonly onParentExit = () => this.killAllNow();

  constructor(private readonly o: SupervisorOptions = {}) {
    this.stopTimeoutMs = o.stopTimeoutMs ?? 10_000;
    if (!(this.stopTimeoutMs > 0)) throw new Error(`stopTimeoutMs must be positive, got ${o.stopTimeoutMs}`);
    process.on("exit", this.onParentExit);
  }

  /** Starts a new supervised child. Throws on a duplicate or malformed name, or after stop(). */
  spawn(spec: ChildSpec): ChildInfo {
    if (this.stopping) throw new Error("supervisor is stopped");
    if (!NAME.test(spec.name)) throw new Error(`invalid child name ${JSON.stringify(spec.name)}`);
    if (this.children.has(spec.name)) throw new Error(`a child named ${spec.name} already exists`);
    if (!spec.cmd) throw new Error(`child ${spec.name}: cmd is required`);
    const child: Child = {
      spec: {
        name: spec.name,
        role: spec.role ?? spec.name,
        cmd: spec.cmd,
        args: spec.args ?? [],
        env: spec.env ?? {},
        cwd: spec.cwd,
        tier: spec.tier ?? 0,
        beforeRestart: spec.beforeRestart,
        afterStart: spec.afterStart,
      },
      exited: Promise.resolve(),
      startedAt: 0,
      restarts: 0,
      restartNow: false,
      policy: new RestartPolicy({ ...this.o.restart, ...spec.restart }),
      capture: new LineCapture(
        spec.name,
        this.o.logDir ? join(this.o.logDir, `${spec.name}.log`) : undefined,
        this.o.onLine,
      ),
    };
    this.children.set(spec.name, child);
    this.start(child);
    return this.info(child);
  }

  /** State of one child (throws for an unknown name). */
  get(name: string): ChildInfo {
    return this.info(this.child(name));
  }

  /** State of every child, in start order. */
  list(): ChildInfo[] {
    return [...this.children.values()].map((c) => this.info(c));
  }

  /**
   * Sends `signal` to the child's current process. After SIGKILL (or any signal that ends it) the supervisor
   * restarts it with backoff; SIGSTOP/SIGCONT just pass through. Returns false when it is not running.
   */
  kill(name: string, signal: NodeJS.Signals = "SIGKILL"): boolean {
    const c = this.child(name);
    if (!isAlive(c.proc)) return false;
    c.proc!.kill(signal);
    return true;
  }

  /** Stops the child (SIGTERM, SIGKILL after the timeout) and starts it again at once; resolves with the new state. */
  async restart(name: string): Promise<ChildInfo> {
    const c = this.child(name);
    if (this.stopping) throw new Error("supervisor is stopped");
    c.policy.reset();
    if (isAlive(c.proc)) {
      c.restartNow = true;
      await this.terminate(c);
    } else {
      clearTimeout(c.timer);
      this.start(c, true);
    }
    while (!isAlive(c.proc) && !this.stopping) await new Promise((r) => setTimeout(r, 10));
    return this.info(c);
  }

  /** Stops every child, tier by tier, and resolves once none is left running. Idempotent. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const c of this.children.values()) clearTimeout(c.timer);
    const tiers = [...new Set([...this.children.values()].map((c) => c.spec.tier))].sort((a, b) => a - b);
    for (const tier of tiers) {
      await Promise.all([...this.children.values()].filter((c) => c.spec.tier === tier).map((c) => this.terminate(c)));
    }
    await Promise.all([...this.children.values()].map((c) => c.capture.close()));
    process.off("exit", this.onParentExit);
  }

  private child(name: string): Child {
    const c = this.children.get(name);
    if (!c) throw new Error(`no child named ${JSON.stringify(name)} (have: ${[...this.children.keys()].join(", ")})`);
    return c;
  }

  private info(c: Child): ChildInfo {
    const running = isAlive(c.proc);
    return {
      name: c.spec.name,
      role: c.spec.role,
      pid: running ? c.proc!.pid : undefined,
      running,
      restarts: c.restarts,
    };
  }

  private start(c: Child, isRestart = c.startedAt > 0): void {
    if (isRestart) c.restarts++;
    c.startedAt = Date.now();
    const proc = spawn(c.spec.cmd, c.spec.args, {
      cwd: c.spec.cwd,
      env: { ...process.env, ...c.spec.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    c.proc = proc;
    c.exited = new Promise<void>((resolve) => {
      let done = false;
      const finish = (code: number | null, signal: NodeJS.Signals | null, err?: Error) => {
        if (done) return;
        done = true;
        resolve();
        this.onExit(c, proc, code, signal, err);
      };
      proc.once("exit", (code, signal) => finish(code, signal));
      proc.once("error", (err) => {
        if (proc.pid === undefined) finish(null, null, err);
      });
    });
    c.capture.attach(proc.stdout, "stdout");
    c.capture.attach(proc.stderr, "stderr");
    c.capture.note(`started pid=${proc.pid ?? "-"}: ${c.spec.cmd} ${c.spec.args.join(" ")}`);
    this.o.onEvent?.({ type: "start", name: c.spec.name, pid: proc.pid });
    if (c.spec.afterStart && proc.pid !== undefined) {
      const note = (line: string) => c.capture.note(line);
      void c.spec.afterStart(note).catch((err: unknown) => note(`after start: ${String(err)}`));
    }
  }

  private onExit(c: Child, proc: ChildProcess, code: number | null, signal: NodeJS.Signals | null, err?: Error): void {
    c.capture.note(`exited pid=${proc.pid ?? "-"} code=${code} signal=${signal}${err ? ` error=${err.message}` : ""}`);
    this.o.onEvent?.({ type: "exit", name: c.spec.name, pid: proc.pid, code, signal });
    if (this.stopping || c.proc !== proc) return;
    const delayMs = c.restartNow ? 0 : c.policy.nextDelay(Date.now() - c.startedAt);
    c.restartNow = false;
    this.o.onEvent?.({ type: "restart-scheduled", name: c.spec.name, delayMs });
    c.capture.note(`restarting in ${delayMs} ms`);
    c.timer = setTimeout(() => void this.prepareRestart(c), delayMs);
  }

  /** Runs the spec's beforeRestart hook (if any), then restarts unless held or stopping. */
  private async prepareRestart(c: Child): Promise<void> {
    const exited = c.proc;
    if (c.spec.beforeRestart && !this.stopping) {
      const note = (line: string) => c.capture.note(line);
      await c.spec.beforeRestart(note).catch((err: unknown) => note(`before restart: ${String(err)}`));
    }
    if (c.proc === exited) this.startUnlessHeld(c); // unless a deliberate restart() started it meanwhile
  }

  /** Restarts `c` now, or looks again shortly while a hold (see SupervisorOptions.holdUntil) keeps it down. */
  private startUnlessHeld(c: Child): void {
    if (this.stopping) return;
    const wait = (this.o.holdUntil?.(c.spec.name) ?? 0) - Date.now();
    if (wait > 0) {
      c.timer = setTimeout(() => this.startUnlessHeld(c), Math.min(wait, HOLD_POLL_MS));
      return;
    }
    this.start(c, true);
  }

  /** SIGTERM (plus SIGCONT, in case it is stopped), then SIGKILL after the timeout; resolves when it has exited. */
  private async terminate(c: Child): Promise<void> {
    const proc = c.proc;
    if (!isAlive(proc)) return;
    proc!.kill("SIGTERM");
    proc!.kill("SIGCONT");
    let t: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((r) => {
      t = setTimeout(() => r(true), this.stopTimeoutMs);
    });
    const late = await Promise.race([c.exited.then(() => false), timedOut]);
    clearTimeout(t);
    if (late && isAlive(proc)) {
      c.capture.note(`did not exit ${this.stopTimeoutMs} ms after SIGTERM; SIGKILL`);
      proc!.kill("SIGKILL");
      await c.exited;
    }
  }

  private killAllNow(): void {
    for (const c of this.children.values()) if (isAlive(c.proc)) c.proc!.kill("SIGKILL");
  }
}

function isAlive(p: ChildProcess | undefined): boolean {
  return !!p && p.pid !== undefined && p.exitCode === null && p.signalCode === null;
}
