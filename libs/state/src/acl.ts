/**
 * Redis ACL users, one per role, with only the commands and keys that role's code sends (docs/security.md has the
 * table). Every user starts from `-@all`; the component users end with `-@dangerous` (no FLUSHALL, CONFIG, KEYS,
 * DEBUG, MONITOR, SHUTDOWN …) plus the exceptions INFO, which the client's ready check and its Sentinel role check
 * send at every connect, and for writers ROLE, which a durable write reads to count the online replicas (durable.ts). Redis 7 checks every `redis.call` inside a Lua script against the caller's ACL, so a user
 * that runs the store's scripts holds the commands and keys they touch; read-only users run no script at all.
 * Workers get no user: they speak NATS only.
 */
import { createHash } from "node:crypto";
import { CONTROL_PLANE_ROLES } from "@tug/contracts";

/** Commands the store sends outside scripts (store.ts reads, all read-only). */
export const STORE_READS = [
  "hgetall",
  "hget",
  "hmget",
  "smembers",
  "scard",
  "scan",
  "zrangebyscore",
  "xrange",
] as const;

/** Commands the store's Lua scripts call (libs/state/src/lua), plus what running them and durable acks need. */
export const STORE_WRITES = [
  "evalsha",
  "eval",
  "wait",
  "del",
  "exists",
  "get",
  "set",
  "incr",
  "hdel",
  "hget",
  "hgetall",
  "hincrby",
  "hkeys",
  "hmget",
  "hset",
  "sadd",
  "scard",
  "smembers",
  "srem",
  "time",
  "xadd",
  "zadd",
] as const;

/** What every client may do on its connection (connect, authenticate, ping, close). */
const CONNECTION = ["auth", "hello", "ping", "quit", "client|setname", "client|getname", "client|id"];

/**
 * The users of one cluster's Redis: the control-plane roles, `admin` (tug, chaos, tests), the infrastructure, and
 * `operator`, which only `tug rotate redis` uses to change passwords while the servers run.
 */
export const REDIS_USERS = [...CONTROL_PLANE_ROLES, "admin", "replication", "sentinel", "operator"] as const;

/** One of REDIS_USERS. */
export type RedisUser = (typeof REDIS_USERS)[number];

/** Roles that only read the store (the API and DNS, the proxy): read-only keys, no scripts. */
const READ_ONLY: ReadonlySet<string> = new Set(["registry", "proxy"]);

/**
 * The ACL rules of `user` for a cluster whose keys start with `<prefix>:` (without `on` and the password):
 * writers `~<prefix>:*` with the store's reads and scripts; read-only roles `%R~<prefix>:*` with reads only;
 * `replication` what a replica sends its primary; `sentinel` what Sentinel needs to monitor and fail over.
 */
export function aclRules(user: RedisUser, prefix: string): string[] {
  const cmds = (list: readonly string[]) => [...new Set(list)].map((c) => `+${c}`);
  if (user === "replication") return ["resetkeys", "resetchannels", "-@all", ...cmds(["psync", "replconf", "ping"])];
  if (user === "operator")
    // password changes on running servers (ACL SETUSER) and a replica's own password for its primary (CONFIG SET
    // masterauth, kept by CONFIG REWRITE); no key, no channel, no other ACL or CONFIG subcommand. ACL SETUSER can
    // grant anything, so this password is the data dir holder's alone (who can read every other one anyway).
    return [
      "resetkeys",
      "resetchannels",
      "-@all",
      ...cmds([...CONNECTION, "info", "acl|setuser", "config|set", "config|rewrite"]),
    ];
  if (user === "sentinel")
    // the set Redis documents for Sentinel (REPLICAOF through slaveof, CONFIG REWRITE after it, killing clients of
    // a demoted primary); it reads no key and has no CONFIG SET, FLUSHALL or DEBUG
    return [
      "resetkeys",
      "allchannels",
      "-@all",
      ...cmds(["multi", "exec", "slaveof", "ping", "subscribe", "publish", "role", "info", "auth", "hello"]),
      ...cmds(["config|rewrite", "client|setname", "client|kill", "script|kill"]),
    ];
  const readOnly = READ_ONLY.has(user);
  return [
    "resetkeys",
    "resetchannels",
    readOnly ? `%R~${prefix}:*` : `~${prefix}:*`,
    "-@all",
    ...cmds([...CONNECTION, ...STORE_READS, ...(readOnly ? [] : STORE_WRITES)]),
    "-@dangerous",
    "+info",
    ...(readOnly ? [] : ["+role"]),
  ];
}

/** The SHA-256 (hex) of `password`: how the ACL file and `ACL SETUSER #…`/`!…` name a password. */
export function passwordHash(password: string): string {
  return createHash("sha256").update(password).digest("hex");
}

/**
 * The `user …` line of an ACL file for `user` with `password` (stored as its SHA-256, not in clear), or with several
 * password hashes while a rotation keeps old passwords valid (any of them authenticates).
 */
export function aclLine(user: RedisUser, password: string | { hashes: readonly string[] }, prefix: string): string {
  const hashes = typeof password === "string" ? [passwordHash(password)] : password.hashes;
  return ["user", user, "on", ...hashes.map((h) => `#${h}`), ...aclRules(user, prefix)].join(" ");
}

/** The password hashes of each user line in an ACL file's text (as aclLine writes them). */
export function aclFileHashes(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    const m = /^user (\S+) /.exec(line);
    if (m)
      out.set(
        m[1]!,
        [...line.matchAll(/ #([0-9a-f]{64})\b/g)].map((h) => h[1]!),
      );
  }
  return out;
}

/**
 * The `default` user: off, so no client can be it (a connection without credentials gets NOAUTH for everything).
 * It keeps all permissions because Redis 7.0 replays the append-only file as the default user and checks the ACL of
 * every MULTI/EXEC it replays (each script's effects are one): with `-@all` a restart would drop every write the
 * scripts made. Being off, it has no password either.
 */
export const DEFAULT_USER_LINE = "user default off resetpass ~* &* +@all";

/** A whole ACL file: the default user off (DEFAULT_USER_LINE), then every user of `passwords`. */
export function aclFile(
  passwords: Partial<Record<RedisUser, string | { hashes: readonly string[] }>>,
  prefix: string,
): string {
  const lines = [DEFAULT_USER_LINE];
  for (const u of REDIS_USERS) if (passwords[u] !== undefined) lines.push(aclLine(u, passwords[u]!, prefix));
  return `${lines.join("\n")}\n`;
}
