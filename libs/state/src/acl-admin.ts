/**
 * Password changes on running Redis servers and Sentinels, as the `operator` user (acl.ts), for `tug rotate redis`:
 * a password is added next to the old one (`ACL SETUSER u >new`), so no client is refused while they switch, and
 * later the old ones are removed by hash (`ACL SETUSER u !<sha256>`). Redis keeps connections already made through
 * both. Every call is bounded and leaves no connection open.
 */
import type { Redis } from "ioredis";
import type { RedisUser } from "./acl.js";
import { oneShot, type RedisAuth } from "./sentinel.js";

/** One server, `host` and `port`. */
export interface ServerAddress {
  host: string;
  port: number;
}

const TIMEOUT_MS = 2_000;

/** Runs `f` on a short-lived connection to `at`, authenticated with `auth` (bounded, closed after). */
function on<T>(at: ServerAddress, auth: RedisAuth, f: (r: Redis) => Promise<T>): Promise<T> {
  return oneShot(at.host, at.port, TIMEOUT_MS, f, auth);
}

/**
 * Adds `passwords` (user → new password) on the server at `at`, authenticated as `operator` (a Redis server) or with
 * the current password (a Sentinel: user `default`). With `masterauth`, also the password this server uses as a
 * replica (CONFIG SET, then CONFIG REWRITE so a restart keeps it); with `sentinelPass`, the one a Sentinel gives its
 * peers. Rejects when the server cannot be reached or refuses.
 */
export async function addPasswords(
  at: ServerAddress,
  operator: RedisAuth,
  passwords: Partial<Record<RedisUser | "default", string>>,
  o: { masterauth?: string; sentinelPass?: string } = {},
): Promise<void> {
  await on(at, operator, async (r) => {
    for (const [user, pw] of Object.entries(passwords)) await r.call("ACL", "SETUSER", user, `>${pw}`);
    if (o.masterauth !== undefined) {
      await r.call("CONFIG", "SET", "masterauth", o.masterauth);
      await r.call("CONFIG", "REWRITE");
    }
    if (o.sentinelPass !== undefined) await r.call("SENTINEL", "CONFIG", "SET", "sentinel-pass", o.sentinelPass);
  });
}

/**
 * Removes the passwords with the given SHA-256 hashes (user → hashes) on the server at `at`, as `operator`. A hash the
 * server does not hold (it restarted since, from the ACL file) is skipped. Rejects when it cannot be reached.
 */
export async function removePasswordHashes(
  at: ServerAddress,
  operator: RedisAuth,
  hashes: Partial<Record<RedisUser | "default", readonly string[]>>,
): Promise<void> {
  await on(at, operator, async (r) => {
    for (const [user, list] of Object.entries(hashes))
      for (const h of list ?? [])
        await r.call("ACL", "SETUSER", user, `!${h}`).catch((err: Error) => {
          if (!/does not exist/.test(err.message)) throw err;
        });
  });
}

/**
 * Tells the Sentinel at `at` (reached with `auth`) the password it authenticates to `masterName`'s servers with (it
 * persists it).
 */
export async function setSentinelAuthPass(
  at: ServerAddress,
  masterName: string,
  password: string,
  auth: RedisAuth = {},
): Promise<void> {
  await on(at, auth, (r) => r.call("SENTINEL", "SET", masterName, "auth-pass", password));
}

/** The SHA-256 hashes of `user`'s passwords on the server at `at` (ACL GETUSER; a Sentinel, as its `default` user). */
export async function passwordHashesOn(at: ServerAddress, auth: RedisAuth, user: string): Promise<string[]> {
  const reply = (await on(at, auth, (r) => r.call("ACL", "GETUSER", user))) as unknown[] | null;
  const flat = reply ?? [];
  const list = flat[flat.indexOf("passwords") + 1];
  return Array.isArray(list) ? list.map(String) : [];
}
