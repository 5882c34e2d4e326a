/**
 * A worker against a real nats-server, with the test playing the health-monitor: it answers node.<id>.sync with
 * hand-written assignments and records heartbeats and status reports. Shared by the worker integration tests.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Bus } from "@tug/bus";
import {
  subjects,
  type Assignment,
  type Heartbeat,
  type MetricsReport,
  type ReplicaStatus,
  type StatusReport,
  type Template,
} from "@tug/contracts";
import { silentLogger } from "@tug/log";
import { startNats, type ServerHandle } from "@tug/testkit";
import type { Subscription } from "@nats-io/transport-node";
import { workerConfig } from "../src/config.js";
import { buildWorker, type WorkerParts } from "../src/service.js";

/** The repository root (process-driver replicas run from here). */
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** One started worker. */
export interface RunningWorker {
  parts: WorkerParts;
  instance: string;
  stop(): Promise<void>;
}

export { assignment } from "../src/manager.fixture.js";

/** The example web app's template (run as `workload` says: a command or an image), ready on /healthz every 200 ms. */
export function webTemplate(workload: { command: string[] } | { image: string }): Template {
  return {
    ...workload,
    env: { GREETING: "ahoy" },
    ports: [{ name: "http", containerPort: 8080, protocol: "tcp" }],
    resources: { cpuMillis: 100, memoryBytes: 64 * 1024 * 1024 },
    nodeSelector: {},
    readinessProbe: {
      http: { path: "/healthz", port: "http" },
      initialDelaySeconds: 0,
      periodSeconds: 0.2,
      timeoutSeconds: 1,
      failureThreshold: 3,
      successThreshold: 1,
    },
    restartPolicy: "Always",
    terminationGracePeriodSeconds: 2,
  };
}

/** The control plane side of a worker test. Call `open()` in beforeAll and `close()` in afterAll. */
export class WorkerHarness {
  nats!: ServerHandle;
  plane!: Bus;
  dataDir = "";
  /** The current worker, if started. */
  worker: RunningWorker | undefined;
  /** What the sync server answers. */
  assignments: Assignment[] = [];
  readonly heartbeats: Heartbeat[] = [];
  readonly statuses: StatusReport[] = [];
  readonly metrics: MetricsReport[] = [];
  /** First port of the worker's range (random per run). */
  readonly portsFrom = 31_000 + Math.floor(Math.random() * 20) * 1000;
  private syncServer: Subscription | undefined;
  private workers = 0;
  private readonly log = silentLogger();

  /** @param node node id; @param env extra worker environment (TUG_DRIVER, TUG_DOCKER_LABELS, ...). */
  constructor(
    readonly node: string,
    private readonly env: Record<string, string> = {},
  ) {}

  /** Starts nats, the plane connection and the sync server. */
  async open(): Promise<void> {
    this.nats = await startNats();
    this.dataDir = mkdtempSync(join(tmpdir(), "tug-worker-it-"));
    this.plane = await Bus.connect({ url: this.nats.url, name: "test/plane", log: this.log });
    this.plane.subscribe(subjects.nodeHeartbeat(this.node), (env) => void this.heartbeats.push(env.body as Heartbeat));
    this.plane.subscribe(subjects.nodeStatus(this.node), (env) => void this.statuses.push(env.body as StatusReport));
    this.plane.subscribe(subjects.nodeMetrics(this.node), (env) => void this.metrics.push(env.body as MetricsReport));
    this.serveSync();
  }

  /** Stops the worker (replicas keep running unless the caller stops them), the plane and nats. */
  async close(): Promise<void> {
    await this.worker?.stop().catch(() => {});
    await this.plane?.close();
    await this.nats?.stop();
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** Answers sync requests with `assignments`. */
  serveSync(): void {
    this.syncServer = this.plane.serve(subjects.nodeSync(this.node), async () => ({
      ok: true,
      node: this.node,
      assignments: this.assignments,
    }));
  }

  /** Stops answering sync requests (control plane down). */
  stopServingSync(): void {
    this.syncServer?.unsubscribe();
  }

  /** Sets the assignment list and hints the worker. */
  assign(list: Assignment[]): void {
    this.assignments = list;
    this.plane.publish(subjects.nodeAssign(this.node), "node.assign", { node: this.node });
  }

  /** The latest full status report from worker instance `instance` (default: the current one). */
  latest(instance = this.worker?.instance): StatusReport | undefined {
    return [...this.statuses].reverse().find((s) => s.instance === instance && !s.unchanged);
  }

  /** The replica's latest reported status; throws until there is one (for eventually()). */
  replica(id: string): ReplicaStatus {
    const s = this.latest()?.replicas.find((r) => r.id === id);
    if (!s) throw new Error(`no status for ${id} yet`);
    return s;
  }

  /** Starts a new worker instance (stop the previous one first). */
  async startWorker(): Promise<RunningWorker> {
    const instance = `it-${++this.workers}`;
    const bus = await Bus.connect({ url: this.nats.url, name: `worker/${instance}`, log: this.log });
    const config = workerConfig(
      { instance },
      {
        TUG_NODE: this.node,
        TUG_DATA_DIR: this.dataDir,
        TUG_WORKDIR: repoRoot,
        TUG_PORTS_FROM: String(this.portsFrom),
        TUG_HEARTBEAT_MS: "100",
        TUG_SYNC_MS: "300",
        TUG_ORPHAN_GRACE_MS: "800",
        ...this.env,
      },
      repoRoot,
    );
    const parts = await buildWorker({ bus, log: this.log }, config);
    const ac = new AbortController();
    const running = Promise.all(parts.runnables.map((r) => r.run(ac.signal)));
    this.worker = {
      parts,
      instance,
      async stop() {
        ac.abort();
        await running;
        await parts.onStop?.();
        await bus.close();
      },
    };
    return this.worker;
  }
}
