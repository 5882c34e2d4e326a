/**
 * The Redis credentials of a local cluster (docs/security.md, "Redis identities"): at every start `tug up` makes a
 * random password per user of REDIS_USERS, keeps each in `<data dir>/redis-auth/<user>.pass` (mode 0600, folder
 * 0700) and writes the ACL file the Redis servers load (`users.acl`, the passwords only as SHA-256). A component
 * gets its user and the path of its password file (TUG_REDIS_USER, TUG_REDIS_PASSWORD_FILE), never the password in
 * its environment or command line. The Sentinels of an `--ha` cluster require a password of their own
 * (`sentinel-access.pass`, TUG_REDIS_SENTINEL_PASSWORD_FILE).
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { aclFile, REDIS_USERS, type RedisAuth, type RedisUser } from "@tug/state";
import { writeSecretFile } from "./secret-file.js";

/** A cluster's Redis users and where their secrets are. */
export interface RedisCredentials {
  /** The ACL file every Redis server of the cluster loads (`aclfile`). */
  aclFile: string;
  /** The password of each user (for configs that must hold one: `masterauth`, `sentinel auth-pass`). */
  passwords: Record<RedisUser, string>;
  /** The file holding `user`'s password. */
  passwordFile(user: RedisUser): string;
  /** `user` with its password, for a client in this process (the cluster handle, tests, chaos). */
  auth(user: RedisUser): RedisAuth;
  /** The password the Sentinels require of every client and of each other (`requirepass`, `sentinel-pass`). */
  sentinelAccess: string;
  /** The file holding it (`TUG_REDIS_SENTINEL_PASSWORD_FILE`). */
  sentinelAccessFile: string;
}

/** The file of the Sentinels' password of the cluster in `dataDir`. */
export function sentinelAccessPath(dataDir: string): string {
  return join(redisAuthDir(dataDir), "sentinel-access.pass");
}

/** The Sentinels' password of the cluster in `dataDir` as it is now (after any rotation), or undefined. */
export function readSentinelAccess(dataDir: string): string | undefined {
  return readPassword(sentinelAccessPath(dataDir)) || undefined;
}

/** `<dataDir>/redis-auth`: the folder of a cluster's Redis secrets. */
export function redisAuthDir(dataDir: string): string {
  return join(dataDir, "redis-auth");
}

/**
 * Writes the password files and the ACL file of the cluster in `dataDir` (keys `<prefix>:*`): fresh passwords, or
 * with `keep` the ones already in the folder (compose: a running Redis keeps the ACL it loaded, so a container that
 * restarts later must find the same password).
 */
export function writeRedisCredentials(dataDir: string, prefix: string, o: { keep?: boolean } = {}): RedisCredentials {
  const dir = redisAuthDir(dataDir);
  const passwordFile = (u: RedisUser) => join(dir, `${u}.pass`);
  const passwords = Object.fromEntries(
    REDIS_USERS.map((u) => [u, (o.keep && readPassword(passwordFile(u))) || randomBytes(32).toString("base64url")]),
  ) as Record<RedisUser, string>;
  for (const u of REDIS_USERS) writeSecretFile(passwordFile(u), `${passwords[u]}\n`);
  const acl = join(dir, "users.acl");
  writeSecretFile(acl, aclFile(passwords, prefix));
  const sentinelAccessFile = sentinelAccessPath(dataDir);
  const sentinelAccess = (o.keep && readPassword(sentinelAccessFile)) || randomBytes(32).toString("base64url");
  writeSecretFile(sentinelAccessFile, `${sentinelAccess}\n`);
  return {
    aclFile: acl,
    passwords,
    passwordFile,
    auth: (u) => ({ username: u, password: passwords[u] }),
    sentinelAccess,
    sentinelAccessFile,
  };
}

/** `user` with the password its file holds now (it may have been rotated since `c` was made). */
export function currentAuth(c: RedisCredentials, user: RedisUser): RedisAuth {
  return { username: user, password: readPassword(c.passwordFile(user)) || c.passwords[user] };
}

/** The password in `file`, or "" when there is none. */
function readPassword(file: string): string {
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    return "";
  }
}

/** The environment that makes a component authenticate as `user` (the password stays in its file). */
export function redisUserEnv(c: RedisCredentials, user: RedisUser): Record<string, string> {
  return { TUG_REDIS_USER: user, TUG_REDIS_PASSWORD_FILE: c.passwordFile(user) };
}
