/**
 * The worker: runs this node's assigned replicas through a driver and reports on them. NATS only — assignments
 * in (sync request + assign hints), heartbeats, status and metrics out. Never touches Redis.
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import type { Bus } from "@tug/bus";
import { subjects, type Heartbeat, type MetricsReport, type SyncReply } from "@tug/contracts";
import { DockerDriver, FakeDriver, ProcessDriver, type Driver } from "@tug/drivers";
import type { Logger } from "@tug/log";
import { periodic } from "@tug/runtime";
import type { ServiceParts } from "@tug/service";
import { type ParsedSync, parseSyncReply } from "./assignments.js";
import { ContactClock, contactRecheckMs, disconnectGuard } from "./disconnect.js";
import type { WorkerConfig } from "./config.js";
import { canBind, PortAllocator } from "./ports.js";
import { ReplicaManager } from "./replica-manager.js";
import { Coalescer, StatusReporter } from "./status.js";
import { SyncLoop } from "./sync-loop.js";

/** What the worker needs from the process: the bus and a logger (no store). */
export interface WorkerDeps {
  bus: Pick<Bus, "publish" | "request" | "subscribe" | "onReconnect">;
  log: Logger;
}

/** The built worker: the host's parts plus the manager (for tests and diagnostics). */
export interface WorkerParts extends ServiceParts {
  manager: ReplicaManager;
  driver: Driver;
}

/** Creates the configured driver. */
export function createDriver(config: WorkerConfig, log: Logger): Driver {
  if (config.driver === "fake") return new FakeDriver();
  if (config.driver === "docker") {
    return new DockerDriver({
      node: config.node,
      socketPath: config.dockerSocket,
      extraLabels: config.dockerLabels,
      hostIp: config.address,
      network: config.dockerNetwork,
      startConcurrency: config.dockerStartConcurrency,
      log: log.child({ driver: "docker" }),
    });
  }
  return new ProcessDriver({
    node: config.node,
    dataDir: resolve(config.dataDir),
    workdir: resolve(config.workdir),
    bindAddress: config.address,
    log: log.child({ driver: "process" }),
  });
}

/** Builds the worker: adopts what a previous worker left running, then syncs, reports and reconciles. */
export async function buildWorker(
  deps: WorkerDeps,
  config: WorkerConfig,
  driver: Driver = createDriver(config, deps.log),
): Promise<WorkerParts> {
  const { bus, log } = deps;
  const node = config.node;
  mkdirSync(config.dataDir, { recursive: true });

  const contact = new ContactClock();
  const reporter = new StatusReporter(config, config.statusMs, config.statusFullMs);
  const publishStatus = (periodic = false) =>
    bus.publish(
      subjects.nodeStatus(node),
      "node.status",
      reporter.next(manager.snapshot(), periodic, Date.now(), contact.offlineMs()),
    );
  const coalescer = new Coalescer(() => publishStatus(), 50);
  const manager = new ReplicaManager({
    driver,
    node,
    address: config.address,
    workdir: resolve(config.workdir),
    log,
    changed: () => coalescer.poke(),
    // a fake replica listens nowhere: no port to probe (hollow nodes share one range)
    ports: new PortAllocator(
      config.portsFrom,
      undefined,
      async (port) => driver.hollow || canBind(port, config.address),
    ),
    orphanGraceMs: config.orphanGraceMs,
    drainDelayMs: config.drainDelayMs,
  });
  const offExit = driver.onExit((e) => manager.onExit(e));
  manager.adopt(await driver.recover());

  // the last full answer, kept while its digest is current (the health-monitor then answers "unchanged")
  let held: ParsedSync | undefined;
  // the heartbeat period the health-monitor asks of every node (the cluster's heartbeat budget), 0 for none
  let askedBeatMs = 0;
  const sync = new SyncLoop({
    periodMs: config.syncMs,
    log,
    sync: async (current) => {
      const sent = held?.digest;
      const raw = await bus.request<SyncReply>(
        subjects.nodeSync(node),
        "node.sync",
        sent ? { node, digest: sent } : { node },
        Math.min(5_000, Math.max(1_000, config.syncMs)),
      );
      if (!current()) return;
      const answer = parseSyncReply(raw, node);
      askedBeatMs = answer.heartbeatMs ?? 0;
      let parsed: ParsedSync;
      if (answer.unchanged) {
        if (!held || answer.digest !== sent) {
          held = undefined; // the next sync asks for the whole answer
          throw new Error("sync reply says unchanged, but not of the answer held");
        }
        parsed = held;
      } else {
        parsed = answer;
        held = answer.digest ? answer : undefined;
        for (const m of parsed.malformed) log.warn({ replica: m.id, err: m.error }, "ignoring a malformed assignment");
      }
      contact.reached();
      const applied = await manager.apply(parsed);
      // replicas with disconnect.stopAfterSeconds: stay in touch often enough never to look cut off
      const soon = [applied.recheckInMs, contactRecheckMs(manager.shortestStopAfterMs())].filter(
        (x): x is number => x !== undefined,
      );
      return soon.length ? { recheckInMs: Math.min(...soon) } : {};
    },
  });
  const assignSub = bus.subscribe(subjects.nodeAssign(node), () => sync.kick());
  // hints sent while disconnected are lost, and so is a sync request in flight: look again at once
  const offReconnect = bus.onReconnect(() => sync.reconnected());

  let seq = 0;
  const onError = (what: string) => (err: unknown) =>
    log.warn({ err: String((err as Error)?.message ?? err) }, `${what} failed`);
  const beatMs = () => Math.max(config.heartbeatMs, askedBeatMs);
  const heartbeat = periodic(
    "node-heartbeat",
    beatMs,
    async () => {
      const body: Heartbeat = {
        node,
        instance: config.instance,
        seq: seq++,
        address: config.address,
        capacity: config.capacity,
        labels: config.labels,
        driver: driver.name,
      };
      // beating more slowly than configured, as asked: the health-monitor's grace must cover it
      if (beatMs() > config.heartbeatMs) body.stretchedMs = beatMs();
      bus.publish(subjects.nodeHeartbeat(node), "node.heartbeat", body);
    },
    onError("heartbeat"),
  );
  const status = periodic("node-status", config.statusMs, async () => publishStatus(true), onError("status"));
  const metrics = periodic(
    "node-metrics",
    config.metricsMs,
    async () => {
      // only replicas that autoscale on CPU (docker stats costs the engine CPU); in parallel: one call takes ~1 s
      const sampled = await Promise.all(
        manager.sampled().map(async (r) => ({ r, u: await driver.usage(r.handle).catch(() => undefined) })),
      );
      const replicas: MetricsReport["replicas"] = sampled.flatMap(({ r, u }) =>
        u ? [{ id: r.id, deployment: r.deployment, cpuPercent: u.cpuPercent, memoryBytes: u.memoryBytes }] : [],
      );
      bus.publish(subjects.nodeMetrics(node), "node.metrics", { node, replicas } satisfies MetricsReport);
    },
    onError("metrics"),
  );

  log.info(
    {
      node,
      driver: driver.name,
      portsFrom: config.portsFrom,
      dataDir: config.dataDir,
      adopted: manager.snapshot().length,
    },
    "worker ready",
  );
  return {
    manager,
    driver,
    runnables: [heartbeat, sync, status, metrics, disconnectGuard(contact, (ms) => manager.stopCutOff(ms))],
    onStop: async () => {
      assignSub.unsubscribe();
      offReconnect();
      if (config.stopOnExit) {
        log.info("stopping every replica before exit (TUG_WORKER_STOP_ON_EXIT=1)");
        await manager.stopAll();
      }
      coalescer.close();
      publishStatus();
      manager.close();
      offExit();
      await driver.close();
    },
  };
}
