/**
 * The process driver: each replica is a host process started from `template.command` (argv, no shell) in its own
 * process group (`detached`), so a SIGKILLed worker leaves its replicas running and a restarted one adopts them.
 */
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readSync, fstatSync } from "node:fs";
import { join, resolve } from "node:path";
import { STATE_DIR_ENV } from "@tug/contracts";
import type { Logger } from "@tug/log";
import { logTail, LOG_TAIL_CHARS } from "./log-tail.js";
import { ExitListeners } from "./exit-listeners.js";
import { CpuSampler, isAlive, readEnviron, readRssBytes } from "./proc-stats.js";
import { readState, writeState, type PersistedState } from "./state-file.js";
import { DriverError, type Driver, type ExitEvent, type ReplicaSpec, type RuntimeHandle, type Usage } from "./types.js";
import { carriedGuard } from "./guard.js";

/** Settings of the process driver. */
export interface ProcessDriverOptions {
  /** Node id (names the state file). */
  node: string;
  /** State and logs live here: `worker-<node>.json`, `logs/<replica>.log`. */
  dataDir: string;
  /** Working directory of replica processes. */
  workdir: string;
  log: Logger;
  /** How often adopted (non-child) processes are polled for exit; default 200 ms. */
  pollMs?: number;
  /**
   * The node's advertised address: replicas get it as `TUG_BIND_ADDRESS` and `HOST` (a template env may override
   * HOST) and should listen there. Default 127.0.0.1.
   */
  bindAddress?: string;
}

/** Environment variables of the worker that replicas do not inherit (its own settings). */
const PRIVATE_ENV = /^TUG_/;

/** Runs replicas as detached host processes. */
export class ProcessDriver implements Driver {
  readonly name = "process";
  readonly hollow = false;
  private readonly exits = new ExitListeners();
  private readonly live = new Map<number, RuntimeHandle>();
  private readonly pollers = new Map<number, NodeJS.Timeout>();
  private readonly cpu = new CpuSampler();
  private readonly statePath: string;
  private closed = false;

  constructor(private readonly o: ProcessDriverOptions) {
    this.statePath = join(o.dataDir, `worker-${o.node}.json`);
  }

  async start(spec: ReplicaSpec): Promise<RuntimeHandle> {
    const argv = spec.template.command;
    if (!argv || argv.length === 0)
      throw new DriverError("NoCommand", "the process driver needs template.command", true);
    if (spec.template.readOnlyRootFilesystem) {
      const why = "the process driver cannot make the filesystem read-only; run it on a docker node";
      throw new DriverError("Unenforceable", `securityContext.readOnlyRootFilesystem: ${why}`, true);
    }
    const logDir = join(this.o.dataDir, "logs");
    mkdirSync(logDir, { recursive: true });
    const fd = openSync(join(logDir, `${spec.id}.log`), "a");
    let pid: number;
    try {
      const child = spawn(argv[0]!, argv.slice(1), {
        cwd: this.o.workdir,
        env: { ...replicaEnv(spec.env, this.o.bindAddress ?? "127.0.0.1"), [STATE_DIR_ENV]: resolve(this.o.dataDir) },
        detached: true,
        stdio: ["ignore", fd, fd],
      });
      pid = await new Promise<number>((resolve, reject) => {
        child.once("spawn", () => resolve(child.pid!));
        child.once("error", (err) =>
          reject(new DriverError("StartError", `cannot start ${argv[0]}: ${err.message}`, false, { cause: err })),
        );
      });
      child.unref();
      const stopAfterSeconds = spec.template.disconnect?.stopAfterSeconds;
      const handle = this.track({ ...spec, stopAfterSeconds }, pid, Date.now(), false);
      child.once("exit", (code, signal) => this.exited(handle, code, signal));
      return handle;
    } finally {
      closeSync(fd);
    }
  }

  async stop(handle: RuntimeHandle, graceMs: number): Promise<void> {
    const pid = handle.pid!;
    if (await isAlive(pid)) {
      signalGroup(pid, "SIGTERM");
      if (!(await waitGone(pid, graceMs))) {
        signalGroup(pid, "SIGKILL");
        await waitGone(pid, 5_000);
      }
    }
    this.exited(handle, null, null);
  }

  async recover(): Promise<RuntimeHandle[]> {
    const saved = readState(this.statePath);
    const adopted: RuntimeHandle[] = [];
    for (const [id, r] of Object.entries(saved)) {
      if ((await isAlive(r.pid)) && (await readEnviron(r.pid)).includes(`TUG_REPLICA_ID=${id}`)) {
        const handle = this.track(
          {
            id,
            deployment: r.deployment,
            revision: r.revision,
            hostPort: r.hostPort,
            stopAfterSeconds: r.stopAfterSeconds,
          },
          r.pid,
          r.startedAt,
          true,
        );
        this.poll(handle);
        adopted.push(handle);
      } else {
        this.o.log.info(
          { replica: id, pid: r.pid },
          "recorded replica is gone (or its pid was recycled); not adopting",
        );
      }
    }
    this.persist();
    return adopted;
  }

  onExit(listener: (e: ExitEvent) => void): () => void {
    return this.exits.add(listener);
  }

  async usage(handle: RuntimeHandle): Promise<Usage | undefined> {
    const pid = handle.pid!;
    const cpuPercent = await this.cpu.sample(pid);
    const memoryBytes = await readRssBytes(pid);
    if (cpuPercent === undefined || memoryBytes === undefined) return undefined;
    return { cpuPercent, memoryBytes };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.pollers.values()) clearInterval(t);
    this.pollers.clear();
    this.exits.clear();
  }

  private track(
    r: Pick<ReplicaSpec, "id" | "deployment" | "revision" | "hostPort"> & { stopAfterSeconds?: number },
    pid: number,
    startedAt: number,
    adopted: boolean,
  ): RuntimeHandle {
    const handle: RuntimeHandle = {
      replicaId: r.id,
      deployment: r.deployment,
      revision: r.revision,
      hostPort: r.hostPort,
      ref: String(pid),
      pid,
      startedAt,
      adopted,
      ...carriedGuard(r.stopAfterSeconds),
    };
    this.live.set(pid, handle);
    this.persist();
    return handle;
  }

  /** Adopted processes are not our children: poll `kill(pid, 0)` to see them end. */
  private poll(handle: RuntimeHandle): void {
    const t = setInterval(() => {
      void isAlive(handle.pid!).then((alive) => {
        if (!alive) this.exited(handle, null, null);
      });
    }, this.o.pollMs ?? 200);
    t.unref();
    this.pollers.set(handle.pid!, t);
  }

  /** Forgets `handle` and tells listeners, exactly once per handle. */
  private exited(handle: RuntimeHandle, code: number | null, signal: NodeJS.Signals | null): void {
    const pid = handle.pid!;
    if (this.live.get(pid) !== handle) return;
    this.live.delete(pid);
    const t = this.pollers.get(pid);
    if (t) clearInterval(t);
    this.pollers.delete(pid);
    this.cpu.forget(pid);
    if (this.closed) return;
    this.persist();
    const output = code === 0 ? undefined : this.lastOutput(handle.replicaId);
    this.exits.emit({ handle, code, signal, ...(output ? { message: `last output: ${output}` } : {}) });
  }

  /** The tail of a replica's log file (what it printed last), or undefined. */
  private lastOutput(replicaId: string): string | undefined {
    let fd: number | undefined;
    try {
      fd = openSync(join(this.o.dataDir, "logs", `${replicaId}.log`), "r");
      const size = fstatSync(fd).size;
      const buf = Buffer.alloc(Math.min(size, LOG_TAIL_CHARS * 4));
      readSync(fd, buf, 0, buf.length, size - buf.length);
      return logTail(buf.toString("utf8"));
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  private persist(): void {
    const state: PersistedState = {};
    for (const h of this.live.values()) {
      state[h.replicaId] = {
        pid: h.pid!,
        hostPort: h.hostPort,
        revision: h.revision,
        deployment: h.deployment,
        startedAt: h.startedAt,
        ...carriedGuard(h.stopAfterSeconds),
      };
    }
    try {
      writeState(this.statePath, state);
    } catch (err) {
      this.o.log.error({ err: String(err), path: this.statePath }, "cannot write the worker state file");
    }
  }
}

/**
 * The replica's environment: the worker's own minus its TUG_* settings, then `HOST` (the bind address, which the
 * replica's own env may override), then the replica's, then `TUG_BIND_ADDRESS`.
 */
export function replicaEnv(env: Record<string, string>, bindAddress: string): Record<string, string> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !PRIVATE_ENV.test(k)) base[k] = v;
  return { ...base, HOST: bindAddress, ...env, TUG_BIND_ADDRESS: bindAddress };
}

/** Signals the process group led by `pid` (falls back to the process alone); a vanished group is fine. */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
      return;
    } catch {
      /* try the next target */
    }
  }
}

/** Waits until `pid` is gone; false when it is still alive after `ms`. */
async function waitGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (await isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}
