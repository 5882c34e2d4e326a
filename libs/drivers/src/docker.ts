/**
 * The Docker driver: each replica is a labelled container (dockerode, Engine API ≥ 1.41) with an init process, its
 * main port published on <node address>:<host port>, no restart policy (the worker restarts). Exits come from the
 * engine's event stream; after a worker restart the node's running containers are adopted by their labels.
 * Images are never pulled (there is no registry): a missing image fails the replica with `ImageNotFound`.
 * A container that dies on its own is inspected and its last output read before it is removed, so the exit carries
 * `OOMKilled` and a log tail to `tug describe`.
 */
import Dockerode from "dockerode";
import type { Logger } from "@tug/log";
import { Gate } from "@tug/runtime";
import { ExitListeners } from "./exit-listeners.js";
import { DockerEvents, type DieEvent } from "./docker-events.js";
import { engineMessage, engineStatus, isNotFound, toDriverError } from "./docker-errors.js";
import { demuxLogs } from "./docker-logs.js";
import { logTail } from "./log-tail.js";
import {
  containerSpec,
  LABELS,
  portBindingsOf,
  MANAGED_SELECTOR,
  replicaOfContainer,
  type DockerNetwork,
  type InspectedContainer,
} from "./docker-spec.js";
import { usageFromStats, type CpuSample, type StatsSample } from "./docker-stats.js";
import { DriverError, type Driver, type ExitEvent, type ReplicaSpec, type RuntimeHandle, type Usage } from "./types.js";
import { carriedGuard } from "./guard.js";

/** Running or not, the exit code, and whether the memory limit killed it. */
type ContainerState = { running: boolean; exitCode: number | null; oomKilled: boolean };
/** Extra looks at a SIGKILLed container's OOMKilled flag, and their spacing (ms). */
const OOM_SETTLE_TRIES = 4;
const OOM_SETTLE_MS = 50;

/**
 * Containers created and started at once by default. The engine serialises much of a start (namespaces, cgroups,
 * the network set-up), and past a few at once every start gets slower: 50 copies of the example app started in
 * 26 s four at a time and in 33 s all at once here (bridge network), in 12.5 s and 13 s on the host's.
 */
export const DEFAULT_START_CONCURRENCY = 4;

/** Default Docker Engine socket. */
export const DEFAULT_DOCKER_SOCKET = "/var/run/docker.sock";

/** Settings of the Docker driver. */
export interface DockerDriverOptions {
  /** Node id: the `tug.node` label, and what `recover()` looks for. */
  node: string;
  log: Logger;
  /** Engine socket (default /var/run/docker.sock); ignored when `docker` is given. */
  socketPath?: string;
  /** A ready dockerode client (tests). */
  docker?: Dockerode;
  /** Labels added to every container this driver creates (e.g. a test run id). */
  extraLabels?: Record<string, string>;
  /** Host address ports are published on: the node's advertised address (default 127.0.0.1). */
  hostIp?: string;
  /** First event-stream reconnect delay (default 250 ms). */
  eventRetryMs?: number;
  /** The containers' network (default `bridge`). */
  network?: DockerNetwork;
  /** Containers created and started at once (default {@link DEFAULT_START_CONCURRENCY}); the rest wait in order. */
  startConcurrency?: number;
}

/** Runs replicas as Docker containers. */
export class DockerDriver implements Driver {
  readonly name = "docker";
  readonly hollow = false;
  /** The dockerode client (shared with tests and tools). */
  readonly docker: Dockerode;
  private readonly exits = new ExitListeners();
  /** Live handles by container id. */
  private readonly live = new Map<string, RuntimeHandle>();
  /** Container ids being stopped by `stop()` (it removes them itself). */
  private readonly stopping = new Set<string>();
  /** Container ids whose `start()` has not returned yet, and exits that arrived meanwhile. */
  private readonly starting = new Set<string>();
  private readonly deferred = new Map<string, ExitEvent>();
  /** Our previous one-shot CPU sample per container (the engine sends no precpu with one-shot stats). */
  private readonly cpuSamples = new Map<string, CpuSample>();
  private readonly events: DockerEvents;
  private readonly starts: Gate;
  private closed = false;

  constructor(private readonly o: DockerDriverOptions) {
    this.docker = o.docker ?? new Dockerode({ socketPath: o.socketPath ?? DEFAULT_DOCKER_SOCKET });
    this.starts = new Gate(o.startConcurrency ?? DEFAULT_START_CONCURRENCY);
    this.events = new DockerEvents({
      docker: this.docker,
      log: o.log,
      retryMs: o.eventRetryMs,
      onDie: (e) => this.onDie(e),
      onConnect: (reconnect) => reconnect && void this.reconcile(),
    });
  }

  async start(spec: ReplicaSpec): Promise<RuntimeHandle> {
    if (!spec.template.image) throw new DriverError("NoImage", "the docker driver needs template.image", true);
    await this.events.start();
    return this.starts.run(() => this.createAndStart(spec));
  }

  private async createAndStart(spec: ReplicaSpec): Promise<RuntimeHandle> {
    const image = spec.template.image;
    const { name, body } = containerSpec(spec, {
      extraLabels: this.o.extraLabels,
      extraHostPorts: spec.extraHostPorts,
      hostIp: this.o.hostIp,
      network: this.o.network,
    });
    let container: Dockerode.Container;
    try {
      // the engine's create never pulls: a missing image is its 404 (one engine call fewer than inspecting first)
      container = await this.docker.createContainer({ ...body, name });
    } catch (err) {
      if (isNotFound(err) && /no such image/i.test(engineMessage(err))) {
        throw new DriverError(
          "ImageNotFound",
          `image ${image} is not present on node ${spec.node}; Tugboat never pulls (no registry): ` +
            `build or load it there (scripts/images)`,
          true,
          { cause: err },
        );
      }
      throw toDriverError(err, `create container for ${spec.id}`);
    }
    const handle: RuntimeHandle = {
      replicaId: spec.id,
      deployment: spec.deployment,
      revision: spec.revision,
      hostPort: spec.hostPort,
      portBindings: portBindingsOf(body),
      ref: container.id,
      startedAt: Date.now(),
      adopted: false,
      ...carriedGuard(spec.template.disconnect?.stopAfterSeconds),
    };
    // tracked before it runs, so a die event that beats the start reply is not lost (emitted once we returned)
    this.live.set(container.id, handle);
    this.starting.add(container.id);
    try {
      await container.start();
    } catch (err) {
      this.live.delete(container.id);
      await this.remove(container.id);
      throw toDriverError(err, `start container ${name} for ${spec.id}`);
    } finally {
      this.starting.delete(container.id);
    }
    const early = this.deferred.get(container.id);
    if (early) {
      this.deferred.delete(container.id);
      setImmediate(() => this.emit(early));
    }
    return handle;
  }

  /**
   * `docker stop -t <grace>` (SIGTERM, SIGKILL after the grace), then remove. Idempotent (gone = stopped).
   * Never rejects: when the engine keeps failing it logs and gives up (a later worker adopts and stops it).
   */
  async stop(handle: RuntimeHandle, graceMs: number): Promise<void> {
    const id = handle.ref;
    this.stopping.add(id);
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await this.docker.getContainer(id).stop({ t: Math.max(0, Math.ceil(graceMs / 1000)) });
        } catch (err) {
          const status = engineStatus(err);
          if (status !== 304 && status !== 404) {
            // 304: already stopped; 404: already gone
            if (attempt < 3) {
              await sleep(250 * attempt);
              continue;
            }
            this.o.log.error(
              { container: id, replica: handle.replicaId, err: engineMessage(err) },
              "cannot stop container; giving up",
            );
            return;
          }
        }
        break;
      }
      const state = await this.stateOf(id);
      await this.remove(id);
      this.exited(handle, state?.exitCode ?? null);
    } finally {
      this.stopping.delete(id);
    }
  }

  async recover(): Promise<RuntimeHandle[]> {
    await this.events.start();
    let list: Dockerode.ContainerInfo[];
    try {
      // scoped by the extra labels too (e.g. `tug.cluster`): clusters sharing one engine reuse node names
      list = await this.docker.listContainers({
        all: true,
        filters: { label: ownSelector(this.o.node, this.o.extraLabels) },
      });
    } catch (err) {
      this.o.log.error({ err: engineMessage(err) }, "cannot list containers to adopt; starting with none");
      return [];
    }
    const byReplica = new Map<string, RuntimeHandle>();
    for (const info of list.sort((a, b) => b.Created - a.Created)) {
      const alive = info.State === "running" || info.State === "paused";
      const inspected = alive ? await this.inspect(info.Id) : undefined;
      if (alive && !inspected) {
        this.o.log.warn({ container: info.Id }, "cannot inspect a running container; leaving it alone for now");
        continue;
      }
      const r = inspected?.State.Running ? replicaOfContainer(inspected) : undefined;
      if (!r || byReplica.has(r.replicaId)) {
        if (r)
          this.o.log.warn(
            { container: info.Id, replica: r.replicaId },
            "a newer container runs this replica; removing the older one",
          );
        else if (inspected?.State.Running)
          this.o.log.warn(
            { container: info.Id },
            "running container without a replica label or host port; removing it",
          );
        await this.forceRemove(info.Id);
        continue;
      }
      const handle: RuntimeHandle = { ...r, ref: info.Id, adopted: true };
      this.live.set(info.Id, handle);
      byReplica.set(r.replicaId, handle);
    }
    // a container that died between the list and now: its die event may predate our stream
    void this.reconcile();
    return [...byReplica.values()];
  }

  onExit(listener: (e: ExitEvent) => void): () => void {
    return this.exits.add(listener);
  }

  async usage(handle: RuntimeHandle): Promise<Usage | undefined> {
    const id = handle.ref;
    if (!this.live.has(id)) return undefined;
    const prev = this.cpuSamples.get(id);
    try {
      // the first sample waits for the engine's own precpu; later ones are one-shot against our previous sample
      const opts = prev ? { stream: false as const, "one-shot": true } : { stream: false as const };
      const s = (await this.docker.getContainer(id).stats(opts as { stream: false })) as unknown as StatsSample;
      if (!s?.cpu_stats) return undefined;
      this.cpuSamples.set(id, s.cpu_stats);
      return usageFromStats(s, prev);
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.events.close();
    this.exits.clear();
  }

  private onDie(e: DieEvent): void {
    const handle = this.live.get(e.id);
    if (!handle) return;
    void (async () => {
      if (this.stopping.has(e.id))
        return this.exited(handle, e.exitCode ?? (await this.stateOf(e.id))?.exitCode ?? null);
      const [state, output] = await Promise.all([this.settledStateOf(e.id, e.exitCode), this.lastOutput(e.id)]);
      this.exited(handle, e.exitCode ?? state?.exitCode ?? null, {
        reason: state?.oomKilled ? "OOMKilled" : undefined,
        message: output && `last output: ${output}`,
      });
      await this.remove(e.id);
    })();
  }

  /**
   * The state of a container that died: for a SIGKILL (137) not yet marked OOMKilled, asked again a few times 50 ms
   * apart, since the engine may handle the exit before the kernel's OOM notice (CI saw an OOM kill reported as a plain
   * 137). Bounded: at most 200 ms more, and only for 137.
   */
  private async settledStateOf(id: string, exitCode: number | null | undefined): Promise<ContainerState | undefined> {
    let state = await this.stateOf(id);
    for (let i = 0; i < OOM_SETTLE_TRIES && (exitCode ?? state?.exitCode) === 137 && state && !state.oomKilled; i++) {
      await new Promise((r) => setTimeout(r, OOM_SETTLE_MS));
      state = (await this.stateOf(id)) ?? state;
    }
    return state;
  }

  /** The tail of what a container printed (stdout and stderr), or undefined. */
  private async lastOutput(id: string): Promise<string | undefined> {
    try {
      const raw = (await this.docker
        .getContainer(id)
        .logs({ stdout: true, stderr: true, tail: 20, follow: false })) as unknown as Buffer;
      return logTail(demuxLogs(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw))));
    } catch {
      return undefined;
    }
  }

  /** After a stream gap: any tracked container that no longer runs has exited. */
  private async reconcile(): Promise<void> {
    for (const id of [...this.live.keys()]) {
      const state = await this.stateOf(id);
      if (state && !state.running) this.onDie({ id, exitCode: state.exitCode });
    }
  }

  /** Forgets `handle` and tells listeners, exactly once per container. */
  private exited(handle: RuntimeHandle, code: number | null, detail: Pick<ExitEvent, "reason" | "message"> = {}): void {
    if (this.live.get(handle.ref) !== handle) return;
    this.live.delete(handle.ref);
    this.cpuSamples.delete(handle.ref);
    const e: ExitEvent = {
      handle,
      code,
      signal: null,
      ...(detail.reason ? { reason: detail.reason } : {}),
      ...(detail.message ? { message: detail.message } : {}),
    };
    if (this.starting.has(handle.ref)) this.deferred.set(handle.ref, e);
    else this.emit(e);
  }

  private emit(e: ExitEvent): void {
    if (!this.closed) this.exits.emit(e);
  }

  private async inspect(id: string): Promise<InspectedContainer | undefined> {
    try {
      return (await this.docker.getContainer(id).inspect()) as unknown as InspectedContainer;
    } catch {
      return undefined;
    }
  }

  /**
   * Running or not, the exit code and whether the memory limit killed it; a container that no longer exists counts
   * as exited (code unknown); undefined when the engine does not answer.
   */
  private async stateOf(id: string): Promise<ContainerState | undefined> {
    try {
      const s = (await this.docker.getContainer(id).inspect()).State;
      return { running: s.Running, exitCode: s.Running ? null : s.ExitCode, oomKilled: s.OOMKilled === true };
    } catch (err) {
      return isNotFound(err) ? { running: false, exitCode: null, oomKilled: false } : undefined;
    }
  }

  /** Removes a stopped container; absent is fine, other failures are logged, never thrown. */
  private async remove(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ v: true });
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (!isNotFound(err) && status !== 409)
        this.o.log.warn({ container: id, err: engineMessage(err) }, "cannot remove container");
    }
  }

  /** Kills and removes a leftover container. */
  private async forceRemove(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch (err) {
      if (!isNotFound(err))
        this.o.log.warn({ container: id, err: engineMessage(err) }, "cannot remove a leftover container");
    }
  }
}

/**
 * The label selector of the containers one driver owns: its node, the managed flag and every extra label, so a
 * worker adopts and removes only its own cluster's containers on an engine other clusters share.
 */
export function ownSelector(node: string, extraLabels: Record<string, string> = {}): string[] {
  return [
    `${LABELS.node}=${node}`,
    MANAGED_SELECTOR,
    ...Object.entries(extraLabels)
      .filter(([k]) => !(Object.values(LABELS) as string[]).includes(k))
      .map(([k, v]) => `${k}=${v}`),
  ];
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
