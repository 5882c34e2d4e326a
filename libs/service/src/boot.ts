/**
 * Boots one process: logger, metrics, NATS bus, Redis store (control plane only), a component heartbeat, and the
 * host (signals, /healthz, /metrics). Each service's main.ts is `boot(readConfig(role), build)`; the worker's is
 * `bootWithoutStore(...)`: it never touches Redis and is given no store at all.
 */
import type { Bus } from "@tug/bus";
import { subjects } from "@tug/contracts";
import { createLogger, type Logger } from "@tug/log";
import { createMetrics, periodic, runHost, type Runnable, type ThreadMetrics } from "@tug/runtime";
import type { RedisStore, StateStore } from "@tug/state";
import type { Registry } from "prom-client";
import type { ServiceConfig } from "./config.js";
import { connectBus, openStore } from "./connect.js";

/** What every builder receives: its settings, logger, metrics registry and bus. */
export interface BusDeps {
  config: ServiceConfig;
  log: Logger;
  metrics: Registry;
  bus: Bus;
}

/** What a control-plane builder receives: the bus deps and the store. */
export interface ServiceDeps extends BusDeps {
  store: StateStore;
}

/** What a service builder returns. */
export interface ServiceParts {
  runnables: Runnable[];
  checks?: Record<string, () => boolean>;
  /** Metrics of the threads the service runs (ServiceThread.metrics), merged into /metrics. */
  threadMetrics?: () => Promise<ThreadMetrics[]>;
  onStop?: () => Promise<void>;
}

/** Connects the bus and the store, builds the service and runs it until a signal. */
export function boot(
  config: ServiceConfig,
  build: (deps: ServiceDeps) => ServiceParts | Promise<ServiceParts>,
): Promise<never> {
  return host(config, (deps, store) => build({ ...deps, store: store! }), true);
}

/**
 * Connects the bus only (no Redis: the worker), builds the process and runs it until a signal. It publishes no
 * component heartbeat: a node's liveness is its node heartbeat, and its NATS identity may publish nothing else.
 */
export function bootWithoutStore(
  config: ServiceConfig,
  build: (deps: BusDeps) => ServiceParts | Promise<ServiceParts>,
): Promise<never> {
  return host(config, (deps) => build(deps), false);
}

async function host(
  config: ServiceConfig,
  build: (deps: BusDeps, store: RedisStore | undefined) => ServiceParts | Promise<ServiceParts>,
  withStore: boolean,
): Promise<never> {
  const log = createLogger(config.role, config.logLevel, { instance: config.instance });
  try {
    const metrics = createMetrics(config.role);
    const bus = await connectBus(config, log, metrics);
    const store = withStore ? openStore(config, log) : undefined;
    const parts = await build({ config, log, metrics, bus }, store);
    const heartbeat = periodic(
      "component-heartbeat",
      1_000,
      async () => {
        bus.publish(subjects.componentHeartbeat(config.role, config.instance), "component.heartbeat", {
          role: config.role,
          instance: config.instance,
          pid: process.pid,
        });
      },
      () => {},
    );
    const checks: Record<string, () => boolean> = {
      nats: () => bus.connected,
      ...(store ? { redis: () => store.healthy } : {}),
      ...parts.checks,
    };
    const code = await runHost({
      role: config.role,
      log,
      metrics,
      healthPort: config.healthPort,
      healthHost: config.healthHost,
      checks,
      threadMetrics: parts.threadMetrics,
      // a node speaks only on its own tug.v1.node.<node>.* subjects (docs/security.md): its heartbeat is the node's
      runnables: withStore ? [...parts.runnables, heartbeat] : parts.runnables,
      onStop: async () => {
        await parts.onStop?.();
        await bus.close();
        await store?.close();
      },
    });
    process.exit(code);
  } catch (err) {
    log.fatal({ err: String((err as Error)?.stack ?? err) }, "failed to start");
    process.exit(1);
  }
}
