/** The connections every control-plane thread opens: its bus and its stores, from the process's settings. */
import { Bus } from "@tug/bus";
import type { Logger } from "@tug/log";
import { RedisStore } from "@tug/state";
import type { Registry } from "prom-client";
import type { ServiceConfig } from "./config.js";
import { secretBoxOf } from "./secret-keys.js";

/** Connects a bus named `<role>/<instance>` (plus `/<thread>` for a thread of the process), waiting for NATS. */
export function connectBus(config: ServiceConfig, log: Logger, metrics: Registry, thread?: string): Promise<Bus> {
  return Bus.connect({
    url: config.natsUrl,
    name: [config.role, config.instance, ...(thread ? [thread] : [])].join("/"),
    log,
    metrics,
    // thousands of hollow nodes' timers each publish a beat: one socket write per turn, not one per beat
    coalescePublishes: config.role === "hollow",
  });
}

/** Opens a store connection (its own socket) that logs its state changes. */
export function openStore(config: ServiceConfig, log: Logger): RedisStore {
  return new RedisStore({
    ...config.redis,
    prefix: config.prefix,
    secrets: secretBoxOf(config.env),
    onStatus: (status, err) =>
      status === "error"
        ? log.warn({ err: String((err as Error)?.message ?? err) }, "redis error")
        : log.info("redis ready"),
  });
}
