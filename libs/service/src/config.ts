/** Process configuration from the environment (read only by main.ts files, through this module). */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";

export interface ServiceConfig {
  role: string;
  /** Unique per process start: `<host>-<pid>-<random>`. */
  instance: string;
  natsUrl: string;
  redisUrl: string;
  /** Redis key prefix (one cluster per prefix). */
  prefix: string;
  healthPort: number;
  healthHost: string;
  logLevel: string;
  /** Raw environment, for service-specific settings. */
  env: NodeJS.ProcessEnv;
}

/** Reads the common settings: TUG_NATS_URL, TUG_REDIS_URL, TUG_PREFIX, TUG_HEALTH_PORT, TUG_LOG_LEVEL. */
export function readConfig(role: string, env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  return {
    role,
    instance: env.TUG_INSTANCE || `${hostname().replace(/[^A-Za-z0-9_-]/g, "")}-${process.pid}-${randomBytes(2).toString("hex")}`,
    natsUrl: env.TUG_NATS_URL || "nats://127.0.0.1:4222",
    redisUrl: env.TUG_REDIS_URL || "redis://127.0.0.1:6379",
    prefix: env.TUG_PREFIX || "tug",
    healthPort: intEnv(env, "TUG_HEALTH_PORT", 0),
    healthHost: env.TUG_HEALTH_HOST || "127.0.0.1",
    logLevel: env.TUG_LOG_LEVEL || "info",
    env,
  };
}

/** An integer setting, or `fallback` when unset; a malformed value is a startup error naming the variable. */
export function intEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const v = env[name];
  if (v === undefined || v === "") return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number, got ${JSON.stringify(v)}`);
  return n;
}
