/**
 * How a RedisStore reaches Redis: one URL (a single redis-server), or the Sentinels of a replicated primary (`tug up
 * --ha`), which the client asks for the current primary and follows through a failover by itself.
 */
import { readFileSync } from "node:fs";
import { Redis, type RedisOptions } from "ioredis";

/** Where Redis is and how durable an acknowledged write must be. */
export interface RedisConnection {
  /** `redis://host:port` of a single server (ignored when `sentinels` is set). */
  url: string;
  /** Comma-separated `host:port` of the Sentinels (TUG_REDIS_SENTINELS); empty or absent = no Sentinel. */
  sentinels?: string;
  /** The primary's name at the Sentinels (TUG_REDIS_MASTER_NAME, default `tug`). */
  masterName?: string;
  /**
   * Replicas that must confirm each write (Redis `WAIT`) before it counts as done (TUG_REDIS_WAIT_REPLICAS);
   * 0 or absent = no WAIT (a single server, whose AOF fsync is the durability).
   */
  waitReplicas?: number;
  /**
   * Which replicas the Sentinels know must confirm each write too, connected to the primary or not
   * (TUG_REDIS_WAIT_FOR): `every` (the default) every one, up or down, so an acknowledged write is on every Redis
   * server and no failover, however many overlap, can drop it, while writes wait whenever one server is away; `up`
   * only those the Sentinels see up, so writes go on with a server gone, but a storm of failovers may promote a
   * replica that missed a write (docs/ha.md).
   */
  waitFor?: WaitFor;
  /** How long one `WAIT` may block (TUG_REDIS_WAIT_TIMEOUT_MS, default 1000 ms). */
  waitTimeoutMs?: number;
  /** The ACL user this client authenticates as (TUG_REDIS_USER); absent = the `default` user. */
  username?: string;
  /** Its password (read from TUG_REDIS_PASSWORD_FILE). */
  password?: string;
  /**
   * The file the password came from: followed while the client lives, so a reconnect after `tug rotate redis` uses
   * the new password (connections already made stay; Redis does not drop them when a password changes).
   */
  passwordFile?: string;
  /** The password the Sentinels take (their `requirepass`; TUG_REDIS_SENTINEL_PASSWORD_FILE); absent = none. */
  sentinelPassword?: string;
  /** The file it came from, followed as `passwordFile` is. */
  sentinelPasswordFile?: string;
}

/** The replicas a durable write waits for besides the online ones (see `RedisConnection.waitFor`). */
export type WaitFor = "every" | "up";

/** A secret that may change while the process runs: `get()` gives the latest, `close()` stops following its file. */
export interface FollowedSecret {
  get(): string | undefined;
  close(): void;
}

/**
 * `initial`, then the first line of `file` whenever the file changes (an empty or unreadable file keeps the last
 * value: a rotation writes it atomically), told to `onChange` too. Without a file, `initial` for good.
 */
export function followSecret(
  initial: string | undefined,
  file?: string,
  onChange?: (value: string) => void,
  pollMs = PASSWORD_FILE_POLL_MS,
): FollowedSecret {
  let value = initial;
  if (!file) return { get: () => value, close: () => undefined };
  const reread = () => {
    try {
      const next = readFileSync(file, "utf8").split("\n")[0]!.trim();
      if (!next || next === value) return;
      value = next;
      onChange?.(next);
    } catch {
      // keep the last value
    }
  };
  // read again on a timer rather than on stat changes: a watcher's first stat may come after a change made right after
  // `initial` was read, and would then never see it
  const timer = setInterval(reread, pollMs).unref();
  return { get: () => value, close: () => clearInterval(timer) };
}

/** How often a followed secret's file is looked at (ms). */
export const PASSWORD_FILE_POLL_MS = 1_000;

/** ioredis' `username`/`password` options for `c` (none when it has no user). */
export function redisAuth(
  c: Pick<RedisConnection, "username" | "password">,
): Pick<RedisOptions, "username" | "password"> {
  return c.username ? { username: c.username, password: c.password } : {};
}

/** The name a Sentinel-monitored primary has unless configured otherwise. */
export const DEFAULT_MASTER_NAME = "tug";

/** Parses `host:port,host:port` into ioredis' sentinel list; throws on a malformed entry. */
export function parseSentinels(list: string): Array<{ host: string; port: number }> {
  return list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const m = /^(.+):(\d{1,5})$/.exec(s);
      if (!m) throw new Error(`a Sentinel address must be host:port, got ${JSON.stringify(s)}`);
      return { host: m[1]!, port: Number(m[2]) };
    });
}

/**
 * A new ioredis client for `c`: fail fast while disconnected (no offline queue, one retry), reconnect forever. With
 * Sentinels it connects to whichever server they name as primary, checks that server's role, and asks again after
 * every disconnect, so a failover is followed without a restart.
 *
 * A command whose connection closes before its reply fails (Redis connection closed); it is never sent again.
 * ioredis would resend it on its next connection, maybe to a new primary seconds later: a 15-minute chaos run saw a
 * roll's write land that way after its sender had been refused and had moved on to its next change, which it undid.
 */
export function createRedisClient(c: RedisConnection): Redis {
  const common: RedisOptions = {
    maxRetriesPerRequest: 1,
    autoResendUnfulfilledCommands: false,
    enableOfflineQueue: false,
    lazyConnect: false,
    retryStrategy: (n) => Math.min(50 * n, 500),
    connectTimeout: 2_000,
    ...redisAuth(c),
  };
  const client = c.sentinels ? sentinelClient({ ...c, sentinels: c.sentinels }, common) : new Redis(c.url, common);
  // ioredis sends options.password (and options.sentinelPassword to the Sentinels) at every (re)connect
  const secrets = [
    ...(c.username ? [followSecret(c.password, c.passwordFile, (v) => (client.options.password = v))] : []),
    ...(c.sentinels
      ? [followSecret(c.sentinelPassword, c.sentinelPasswordFile, (v) => (client.options.sentinelPassword = v))]
      : []),
  ];
  client.once("end", () => secrets.forEach((f) => f.close()));
  client.on("close", () => failUnanswered(client));
  return client;
}

/**
 * Fails every command still waiting for a reply on `client`'s closed connection. Without a resend ioredis would
 * leave them pending for good; its "close" event comes a tick after its close handler kept them for that resend,
 * in the same queue, so emptying the queue here leaves it nothing to resend either.
 */
function failUnanswered(client: Redis): void {
  const internal = client as unknown as { flushQueue(err: Error, o: { offlineQueue: boolean }): void };
  internal.flushQueue(new Error("Connection is closed before the reply came; not sent again"), { offlineQueue: false });
}

function sentinelClient(c: RedisConnection & { sentinels: string }, common: RedisOptions): Redis {
  return new Redis({
    ...common,
    sentinels: parseSentinels(c.sentinels),
    ...(c.sentinelPassword ? { sentinelPassword: c.sentinelPassword } : {}),
    name: c.masterName || DEFAULT_MASTER_NAME,
    role: "master",
    // no failoverDetector: its disconnect can land while a reconnect resolves the primary, and ioredis then ends the
    // client for good; a failover is noticed anyway, as Sentinel kills the clients of a demoted primary.
    sentinelRetryStrategy: (n) => Math.min(50 * n, 500),
    sentinelMaxConnections: 3,
  });
}
