/**
 * The driver port: how a worker runs one replica on its node. A driver starts, stops and observes replicas and
 * re-attaches to the ones it started before a worker restart. Implementations: process (host processes), fake
 * (hollow nodes; nothing runs) and docker (labelled containers).
 */
import type { Template } from "@tug/contracts";

/** Everything a driver needs to start one replica. The worker computes `env` and `hostPort`. */
export interface ReplicaSpec {
  /** Replica id (also `TUG_REPLICA_ID` in `env`). */
  id: string;
  /** Deployment id, `ns/name`. */
  deployment: string;
  revision: number;
  /** Node id, for labels. */
  node: string;
  /**
   * The host port allocated to this replica (also `PORT` in `env`); docker publishes the first container port on it.
   */
  hostPort: number;
  /** Host ports for the template's further ports (docker); ports without one stay unpublished. */
  extraHostPorts?: number[];
  template: Template;
  /** The complete replica environment: template.env plus TUG_REPLICA_ID, TUG_NODE, TUG_REVISION and PORT. */
  env: Record<string, string>;
}

/** A running (or once running) replica, as the driver knows it. Compare handles by identity. */
export interface RuntimeHandle {
  replicaId: string;
  deployment: string;
  revision: number;
  hostPort: number;
  /** Every published container port → its host port (docker); read back from the container on adoption. */
  portBindings?: Record<number, number>;
  /** Driver-specific reference: the pid for the process driver, a container id for docker. */
  ref: string;
  /** OS process id when there is one (process driver). */
  pid?: number;
  /** Epoch ms when the replica started (for adopted replicas: when it originally started). */
  startedAt: number;
  /** True when this handle was re-attached by `recover()` rather than started by this driver instance. */
  adopted: boolean;
  /**
   * The template's `disconnect.stopAfterSeconds` when it was started, kept with the replica (the process driver's
   * state file, a docker label) so a worker that adopts it guards it before any sync tells it the template.
   */
  stopAfterSeconds?: number;
}

/** A replica's process ended (on its own, or because it was stopped). */
export interface ExitEvent {
  handle: RuntimeHandle;
  /** Exit code, or null when it died of a signal or the code is unknown (adopted processes). */
  code: number | null;
  /** Terminating signal, when known. */
  signal: NodeJS.Signals | null;
  /** Why it ended when the runtime knows better than the exit code (e.g. `OOMKilled`). */
  reason?: string;
  /** What it printed last (a short tail), when the runtime keeps its output. */
  message?: string;
}

/** Resource usage of one replica. */
export interface Usage {
  /** Percent of one CPU over the interval since the previous sample (100 = one full core). */
  cpuPercent: number;
  memoryBytes: number;
}

/** Why a replica could not be started; `permanent` errors are not retried (phase Failed). */
export class DriverError extends Error {
  /** Short CamelCase reason for the replica status, e.g. `NoCommand`, `StartError`. */
  readonly reason: string;
  readonly permanent: boolean;
  constructor(reason: string, message: string, permanent: boolean, options?: ErrorOptions) {
    super(message, options);
    this.name = "DriverError";
    this.reason = reason;
    this.permanent = permanent;
  }
}

/** The driver port. */
export interface Driver {
  /** `process`, `fake` or `docker`; advertised in the node heartbeat. */
  readonly name: string;
  /** True when nothing really runs (fake): the worker skips probes and marks replicas ready at once. */
  readonly hollow: boolean;
  /** Starts a replica. Rejects with a DriverError when it cannot. */
  start(spec: ReplicaSpec): Promise<RuntimeHandle>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the replica is gone. Idempotent. */
  stop(handle: RuntimeHandle, graceMs: number): Promise<void>;
  /** Re-attaches to replicas left running by a previous worker (never a recycled pid). Call once, before `start`. */
  recover(): Promise<RuntimeHandle[]>;
  /** Registers an exit listener; returns a function that removes it. */
  onExit(listener: (e: ExitEvent) => void): () => void;
  /** Current usage, or undefined when the replica is gone. */
  usage(handle: RuntimeHandle): Promise<Usage | undefined>;
  /** Releases timers and listeners. Does not stop replicas (they keep running for the next worker to adopt). */
  close(): Promise<void>;
}
