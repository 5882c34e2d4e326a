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

/** How a client authenticates to a Sentinel with `password` (its `requirepass`, the default user's); none without. */
export function sentinelAuth(password: string | undefined): RedisAuth {
  return password ? { username: "default", password } : {};
}

/** Runs `f` on a short-lived client of `host:port`: no retries, one connect attempt bounded by `timeoutMs`. */
export async function oneShot<T>(
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
 * The primary as the answering Sentinels of `sentinels` (`host:port,…`) see it, all asked at once: the view of the
 * highest configuration epoch wins (ties: `freshestView`), so a Sentinel cut off in a minority, which still
 * names the primary of an older epoch, is outvoted by any that saw the failover. Undefined when none answers or
 * none knows `masterName`. `password`: what the Sentinels take, if they require one.
 */
export async function sentinelPrimary(
  sentinels: string,
  masterName = DEFAULT_MASTER_NAME,
  timeoutMs = 1_000,
  password?: string,
): Promise<PrimaryView | undefined> {
  const ask = (s: { host: string; port: number }) =>
    askSentinel(s.host, s.port, masterName, timeoutMs, password).catch(() => undefined);
  const best = freshestView(await Promise.all(parseSentinels(sentinels).map(ask)));
  return best && { host: best.host, port: best.port, flags: best.flags };
}

/**
 * The view of the highest configuration epoch. At equal epochs a finished one beats one with a failover in progress:
 * the leader of a failover still names the old primary (flag `failover_in_progress`) until it has re-pointed every
 * replica, while its peers already name the new one; otherwise the first in the list.
 */
export function freshestView<T extends { epoch: number; flags: string }>(views: Array<T | undefined>): T | undefined {
  let best: T | undefined;
  for (const v of views) {
    const finishes = best && v?.epoch === best.epoch && /failover/.test(best.flags) && !/failover/.test(v.flags);
    if (v && (!best || v.epoch > best.epoch || finishes)) best = v;
  }
  return best;
}

/**
 * What the Sentinel at `host:port` knows of `masterName`'s group: replicas it sees up and the other Sentinels it has
 * heard of. A Sentinel learns the replicas from the primary's INFO (every 10 s) and its peers from their hellos;
 * until it knows them it can promote nobody and reach no quorum. Undefined when it does not answer.
 */
export async function sentinelKnows(
  host: string,
  port: number,
  masterName = DEFAULT_MASTER_NAME,
  timeoutMs = 1_000,
  password?: string,
): Promise<{ replicas: number; sentinels: number } | undefined> {
  try {
    const [replicas, sentinels] = await oneShot(
      host,
      port,
      timeoutMs,
      (r) => Promise.all([r.call("SENTINEL", "replicas", masterName), r.call("SENTINEL", "sentinels", masterName)]),
      sentinelAuth(password),
    );
    return {
      replicas: upIn(replicas),
      sentinels: upIn(sentinels),
    };
  } catch {
    return undefined;
  }
}

/**
 * How many rows of a `SENTINEL REPLICAS` or `SENTINEL SENTINELS` reply are up: flags present and none of s_down,
 * o_down, disconnected. Anything else than a list counts none.
 */
export function upIn(reply: unknown): number {
  return upAddresses(reply).length;
}

/**
 * The `ip:port` of every row of a `SENTINEL REPLICAS` or `SENTINEL SENTINELS` reply that is up (as `upIn` counts
 * them); anything else than a list gives none.
 */
export function upAddresses(reply: unknown): string[] {
  return rowAddresses(reply, (flags) => !/s_down|o_down|disconnected/.test(flags));
}

/**
 * The `ip:port` of every row of a `SENTINEL REPLICAS` reply, up or down: every replica the Sentinel knows (it forgets
 * one only on `SENTINEL RESET`). Anything else than a list gives none.
 */
export function knownAddresses(reply: unknown): string[] {
  return rowAddresses(reply, () => true);
}

/** The `ip:port` of the rows of a SENTINEL listing that have flags which `keep` accepts. */
function rowAddresses(reply: unknown, keep: (flags: string) => boolean): string[] {
  if (!Array.isArray(reply)) return [];
  return reply.flatMap((row: unknown) => {
    const flat = Array.isArray(row) ? (row as unknown[]) : [];
    const field = (name: string) => String(flat[flat.indexOf(name) + 1] ?? "");
    const flags = field("flags");
    return flags !== "" && keep(flags) ? [`${field("ip")}:${field("port")}`] : [];
  });
}

/** One Sentinel's view of `masterName` with its configuration epoch; undefined when it does not know the name. */
async function askSentinel(
  host: string,
  port: number,
  masterName: string,
  timeoutMs: number,
  password?: string,
): Promise<(PrimaryView & { epoch: number }) | undefined> {
  const ask = (r: Redis) => r.call("SENTINEL", "master", masterName);
  const flat = (await oneShot(host, port, timeoutMs, ask, sentinelAuth(password))) as string[];
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) f.set(flat[i]!, flat[i + 1]!);
  if (!f.has("ip") || !f.has("port")) return undefined;
  const epoch = Number(f.get("config-epoch") ?? 0);
  return { host: f.get("ip")!, port: Number(f.get("port")), flags: f.get("flags") ?? "", epoch };
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

/**
 * Sets internal periods of the Sentinel at `host:port` (`SENTINEL DEBUG`, e.g. `{ "ping-period": 100 }`, in ms); they
 * are not config-file settings and last until it exits. Rejects unless it answers OK within `timeoutMs`.
 */
export async function setSentinelPeriods(
  host: string,
  port: number,
  periods: Readonly<Record<string, number>>,
  password?: string,
  timeoutMs = 1_000,
): Promise<void> {
  const args = Object.entries(periods).flatMap(([k, v]) => [k, String(v)]);
  const reply = await oneShot(
    host,
    port,
    timeoutMs,
    (r) => r.call("SENTINEL", "DEBUG", ...args),
    sentinelAuth(password),
  );
  if (reply !== "OK") throw new Error(`SENTINEL DEBUG answered ${JSON.stringify(reply)}`);
}

/** The internal periods the Sentinel at `host:port` runs with (`SENTINEL DEBUG`), in ms by lower-case name. */
export async function sentinelPeriods(
  host: string,
  port: number,
  password?: string,
  timeoutMs = 1_000,
): Promise<Record<string, number>> {
  const reply = await oneShot(host, port, timeoutMs, (r) => r.call("SENTINEL", "DEBUG"), sentinelAuth(password));
  if (!Array.isArray(reply)) throw new Error(`SENTINEL DEBUG answered ${JSON.stringify(reply)}`);
  const out: Record<string, number> = {};
  for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i]).toLowerCase()] = Number(reply[i + 1]);
  return out;
}
