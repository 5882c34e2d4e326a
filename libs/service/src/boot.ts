/**
 * Boots one control-plane process: logger, metrics, NATS bus, Redis store, a component heartbeat, and the host
 * (signals, /healthz, /metrics). Each service's main.ts is `boot(readConfig(role), build)`.
 */
import { Bus } from "@tug/bus";
import { subjects } from "@tug/contracts";
import { createLogger, type Logger } from "@tug/log";
import { createMetrics, periodic, runHost, type Runnable } from "@tug/runtime";
import { RedisStore } from "@tug/state";
import type { Registry } from "prom-client";
import type { ServiceConfig } from "./config.js";

/** What a service builder receives. */
export interface ServiceDeps {
  config: ServiceConfig;
  log: Logger;
  metrics: Registry;
  bus: Bus;
  /** Absent for processes that must not touch Redis (the worker). */
  store: RedisStore;
}

/** What a service builder returns. */
export interface ServiceParts {
  runnables: Runnable[];
  checks?: Record<string, () => boolean>;
  onStop?: () => Promise<void>;
}

/** Connects the bus (and the store unless `withStore` is false), builds the service and runs it until a signal. */
export async function boot(config: ServiceConfig, build: (deps: ServiceDeps) => ServiceParts | Promise<ServiceParts>, opts: { withStore?: boolean } = {}): Promise<never> {
  const log = createLogger(config.role, config.logLevel, { instance: config.instance });
  try {
    const metrics = createMetrics(config.role);
    const bus = await Bus.connect({ url: config.natsUrl, name: `${config.role}/${config.instance}`, log, metrics });
    const store = opts.withStore === false ? (undefined as unknown as RedisStore) : new RedisStore({
      url: config.redisUrl, prefix: config.prefix,
      onStatus: (s, err) => (s === "error" ? log.warn({ err: String((err as Error)?.message ?? err) }, "redis error") : log.info("redis ready")),
    });
    const parts = await build({ config, log, metrics, bus, store });
    const heartbeat = periodic("component-heartbeat", 1_000, async () => {
      bus.publish(subjects.componentHeartbeat(config.role, config.instance), "component.heartbeat", { role: config.role, instance: config.instance, pid: process.pid });
    }, () => {});
    const checks: Record<string, () => boolean> = { nats: () => bus.connected, ...(store ? { redis: () => store.healthy } : {}), ...parts.checks };
    const code = await runHost({
      role: config.role, log, metrics, healthPort: config.healthPort, healthHost: config.healthHost, checks,
      runnables: [...parts.runnables, heartbeat],
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
