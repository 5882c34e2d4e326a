/**
 * Questions for Redis Sentinel and a primary's replication, for the tools around an `--ha` cluster (start-up, the
 * restart of a Redis server, chaos): who the primary is now, whether a failover is under way, how many replicas a
 * primary has. Every call is bounded and leaves no connection open.
 */
import { Redis } from "ioredis";
import { DEFAULT_MASTER_NAME, parseSentinels, type RedisConnection, redisAuth } from "./connection.js";

/** What the Sentinels say about the primary. */
export interface PrimaryView {
  host: string;
  port: number;
  /** The Sentinel's flags for it, e.g. `master`, `s_down,master`, `master,failover_in_progress`. */
  flags: string;
}

/** A user and password (ACL) to authenticate with; empty = the `default` user. */
export type RedisAuth = Pick<RedisConnection, "username" | "password">;

/** A short-lived client: no retries, one connect attempt bounded by `timeoutMs`. */
async function oneShot<T>(
  host: string,
  port: number,
  timeoutMs: number,
  f: (r: Redis) => Promise<T>,
  auth: RedisAuth = {},
): Promise<T> {
  const r = new Redis({
    ...redisAuth(auth),
    host,
    port,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  r.on("error", () => {});
  try {
    await r.connect();
    return await f(r);
  } finally {
    r.disconnect();
  }
}

/**
 * The primary as the first answering Sentinel of `sentinels` (`host:port,…`) sees it; undefined when none answers
 * or none knows `masterName`.
 */
export async function sentinelPrimary(
  sentinels: string,
  masterName = DEFAULT_MASTER_NAME,
  timeoutMs = 1_000,
): Promise<PrimaryView | undefined> {
  for (const s of parseSentinels(sentinels)) {
    try {
      const flat = (await oneShot(s.host, s.port, timeoutMs, (r) =>
        r.call("SENTINEL", "master", masterName),
      )) as string[];
      const f = new Map<string, string>();
      for (let i = 0; i + 1 < flat.length; i += 2) f.set(flat[i]!, flat[i + 1]!);
      if (f.has("ip") && f.has("port"))
        return { host: f.get("ip")!, port: Number(f.get("port")), flags: f.get("flags") ?? "" };
    } catch {
      // this Sentinel is down or does not know the name: ask the next
    }
  }
  return undefined;
}

/**
 * How many replicas of the Redis server at `host:port` are in sync (`state=online`: attached and past the initial
 * transfer); -1 when it does not answer (or refuses `auth`) or is a replica itself.
 */
export async function attachedReplicas(
  host: string,
  port: number,
  auth: RedisAuth = {},
  timeoutMs = 1_000,
): Promise<number> {
  try {
    const info = await oneShot(host, port, timeoutMs, (r) => r.info("replication"), auth);
    if (!/^role:master/m.test(info)) return -1;
    return (info.match(/^slave\d+:.*state=online/gm) ?? []).length;
  } catch {
    return -1;
  }
}
