/** Process configuration from the environment (read only by main.ts files, through this module). */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import type { RedisConnection, WaitFor } from "@tug/state";

export interface ServiceConfig {
  role: string;
  /** Unique per process start: `<host>-<pid>-<random>`. */
  instance: string;
  /** One NATS URL, or a comma-separated list of a cluster's servers (the client picks one and fails over). */
  natsUrl: string;
  redisUrl: string;
  /** How the store reaches Redis: `redisUrl`, or the Sentinels with WAIT for durable acks (`tug up --ha`). */
  redis: RedisConnection;
  /** Redis key prefix (one cluster per prefix). */
  prefix: string;
  healthPort: number;
  healthHost: string;
  logLevel: string;
  /** Raw environment, for service-specific settings. */
  env: NodeJS.ProcessEnv;
}

/**
 * Reads the common settings: TUG_NATS_URL, TUG_REDIS_URL (or TUG_REDIS_SENTINELS, TUG_REDIS_MASTER_NAME,
 * TUG_REDIS_WAIT_REPLICAS, TUG_REDIS_WAIT_FOR, TUG_REDIS_WAIT_TIMEOUT_MS), TUG_REDIS_USER with TUG_REDIS_PASSWORD_FILE (or
 * TUG_REDIS_PASSWORD), TUG_PREFIX, TUG_HEALTH_PORT, TUG_LOG_LEVEL.
 */
export function readConfig(role: string, env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const redisUrl = env.TUG_REDIS_URL || "redis://127.0.0.1:6379";
  return {
    role,
    instance:
      env.TUG_INSTANCE ||
      `${hostname().replace(/[^A-Za-z0-9_-]/g, "")}-${process.pid}-${randomBytes(2).toString("hex")}`,
    natsUrl: env.TUG_NATS_URL || "nats://127.0.0.1:4222",
    redisUrl,
    redis: {
      url: redisUrl,
      sentinels: env.TUG_REDIS_SENTINELS || undefined,
      masterName: env.TUG_REDIS_MASTER_NAME || undefined,
      waitReplicas: intEnv(env, "TUG_REDIS_WAIT_REPLICAS", 0),
      waitFor: waitForEnv(env),
      waitTimeoutMs: intEnv(env, "TUG_REDIS_WAIT_TIMEOUT_MS", 1_000),
      ...redisCredentials(env),
      ...sentinelCredentials(env),
    },
    prefix: env.TUG_PREFIX || "tug",
    healthPort: intEnv(env, "TUG_HEALTH_PORT", 0),
    healthHost: env.TUG_HEALTH_HOST || "127.0.0.1",
    logLevel: env.TUG_LOG_LEVEL || "info",
    env,
  };
}

/** TUG_REDIS_WAIT_FOR: `every` (the default) or `up`; anything else is a startup error naming the variable. */
export function waitForEnv(env: NodeJS.ProcessEnv): WaitFor {
  const v = env.TUG_REDIS_WAIT_FOR || "every";
  if (v !== "every" && v !== "up")
    throw new Error(`TUG_REDIS_WAIT_FOR must be "every" or "up", got ${JSON.stringify(v)}`);
  return v;
}

/** An integer setting, or `fallback` when unset; a malformed value is a startup error naming the variable. */
export function intEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const v = env[name];
  if (v === undefined || v === "") return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number, got ${JSON.stringify(v)}`);
  return n;
}

/**
 * The Sentinels' password, from the file TUG_REDIS_SENTINEL_PASSWORD_FILE names (followed through a rotation); none
 * when unset. An unreadable file is a startup error naming the variable.
 */
export function sentinelCredentials(env: NodeJS.ProcessEnv): {
  sentinelPassword?: string;
  sentinelPasswordFile?: string;
} {
  const file = env.TUG_REDIS_SENTINEL_PASSWORD_FILE;
  if (!file) return {};
  return { sentinelPassword: readSetting(file, "TUG_REDIS_SENTINEL_PASSWORD_FILE"), sentinelPasswordFile: file };
}

/** The first line of `file`, trimmed; an unreadable file is a startup error naming `setting`. */
function readSetting(file: string, setting: string): string {
  try {
    return readFileSync(file, "utf8").split("\n")[0]!.trim();
  } catch (err) {
    throw new Error(`${setting}: cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * The Redis ACL user and password: TUG_REDIS_USER, and the password from the file TUG_REDIS_PASSWORD_FILE names
 * (preferred: it stays out of the environment, and the client follows it through a rotation) or TUG_REDIS_PASSWORD.
 * None set = the `default` user. An unreadable password file is a startup error naming the variable.
 */
export function redisCredentials(env: NodeJS.ProcessEnv): {
  username?: string;
  password?: string;
  passwordFile?: string;
} {
  const username = env.TUG_REDIS_USER || undefined;
  const file = env.TUG_REDIS_PASSWORD_FILE;
  let password = env.TUG_REDIS_PASSWORD || undefined;
  if (file) password = readSetting(file, "TUG_REDIS_PASSWORD_FILE");
  if (!username) return {};
  return file ? { username, password, passwordFile: file } : { username, password };
}
