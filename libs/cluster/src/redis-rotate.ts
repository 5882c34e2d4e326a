/**
 * Rotating the Redis passwords of a running local cluster, with no restart and no refused client
 * (docs/security.md, "Rotating credentials"). `rotateRedisPasswords` gives every user a new password next to the old
 * one on every Redis server (as `operator`), points the replicas (`masterauth`) and Sentinels (`auth-pass`) of an
 * `--ha` cluster at the new ones and gives the Sentinels a new password of their own beside the old, writes
 * `users.acl` with both, and then the new password files, which every control-plane process follows (its next
 * reconnect uses the new password; connections already made stay). `retireRedisPasswords`, once they have, removes
 * every password but the current one, on the servers, in the file and on the Sentinels.
 * A server that cannot be reached is reported and skipped: it loads `users.acl` when it starts again.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  aclFile,
  aclFileHashes,
  addPasswords,
  passwordHash,
  REDIS_USERS,
  type RedisUser,
  passwordHashesOn,
  removePasswordHashes,
  sentinelAuth,
  type ServerAddress,
  setSentinelAuthPass,
} from "@tug/state";
import { readClusterFile } from "./cluster-file.js";
import { readSentinelAccess, redisAuthDir, sentinelAccessPath } from "./redis-auth.js";
import { writeSecretFile } from "./secret-file.js";

/** What a rotation step did. */
export interface RedisRotationReport {
  /** The users whose passwords changed (rotate) or lost their old ones (retire). */
  users: RedisUser[];
  /** `host:port` of the Redis servers that took the change. */
  servers: string[];
  /** `host:port` of those that could not be reached, with why (they load users.acl when they start). */
  unreachable: string[];
  /** `host:port` of the Sentinels told the new password (`--ha` only). */
  sentinels: string[];
}

/** Where the running cluster's Redis servers and Sentinels are, from its cluster.json. */
function serversOf(dataDir: string): {
  prefix: string;
  servers: ServerAddress[];
  sentinels: ServerAddress[];
  masterName: string;
} {
  const f = readClusterFile(dataDir);
  if (f.ha) {
    const at = (ports: number[]) => ports.map((port, i) => ({ host: f.ha!.hosts[i]!, port }));
    const { masterName } = f.ha;
    return { prefix: f.prefix, servers: at(f.ha.redisPorts), sentinels: at(f.ha.sentinelPorts), masterName };
  }
  const u = new URL(f.redisUrl);
  const servers = [{ host: u.hostname, port: Number(u.port || 6379) }];
  return { prefix: f.prefix, servers, sentinels: [], masterName: "" };
}

const passFile = (dataDir: string, u: RedisUser) => join(redisAuthDir(dataDir), `${u}.pass`);
const aclPath = (dataDir: string) => join(redisAuthDir(dataDir), "users.acl");
const name = (s: ServerAddress) => `${s.host}:${s.port}`;

function currentPasswords(dataDir: string): Record<RedisUser, string> {
  return Object.fromEntries(
    REDIS_USERS.map((u) => {
      const pw = readFileSync(passFile(dataDir, u), "utf8").split("\n")[0]!.trim();
      if (!pw) throw new Error(`${passFile(dataDir, u)} is empty: is a cluster running from ${dataDir}?`);
      return [u, pw];
    }),
  ) as Record<RedisUser, string>;
}

/** Runs `f` on every server; returns the names that took it and those that failed (with the reason). */
async function onEvery(
  servers: ServerAddress[],
  f: (s: ServerAddress) => Promise<void>,
): Promise<{ ok: string[]; failed: string[] }> {
  const results = await Promise.all(
    servers.map((s) =>
      f(s).then(
        () => undefined,
        (err: Error) => err.message,
      ),
    ),
  );
  return {
    ok: servers.filter((_, i) => results[i] === undefined).map(name),
    failed: servers.flatMap((s, i) => (results[i] === undefined ? [] : [`${name(s)} (${results[i]})`])),
  };
}

/** Adds a new password for every user (the old ones stay valid) and hands the new ones to the processes. */
export async function rotateRedisPasswords(dataDir: string): Promise<RedisRotationReport> {
  const { prefix, servers, sentinels, masterName } = serversOf(dataDir);
  const old = currentPasswords(dataDir);
  const fresh = Object.fromEntries(REDIS_USERS.map((u) => [u, randomBytes(32).toString("base64url")])) as Record<
    RedisUser,
    string
  >;
  const operator = { username: "operator", password: old.operator };
  const ha = sentinels.length > 0;
  const done = await onEvery(servers, (s) =>
    addPasswords(s, operator, fresh, ha ? { masterauth: fresh.replication } : {}),
  );
  if (done.ok.length === 0) throw new Error(`no Redis server took the new passwords: ${done.failed.join("; ")}`);
  // each Sentinel: the new password for Redis, and a new one of its own beside the old (clients and peers switch)
  const access = readSentinelAccess(dataDir);
  const newAccess = randomBytes(32).toString("base64url");
  const told = ha
    ? await onEvery(sentinels, async (s) => {
        await setSentinelAuthPass(s, masterName, fresh.sentinel, sentinelAuth(access));
        await addPasswords(s, sentinelAuth(access), { default: newAccess }, { sentinelPass: newAccess });
      })
    : undefined;
  const kept = aclFileHashes(readFileSync(aclPath(dataDir), "utf8"));
  const both = Object.fromEntries(
    REDIS_USERS.map((u) => [u, { hashes: [...new Set([passwordHash(fresh[u]), ...(kept.get(u) ?? [])])] }]),
  );
  writeSecretFile(aclPath(dataDir), aclFile(both, prefix));
  for (const u of REDIS_USERS) writeSecretFile(passFile(dataDir, u), `${fresh[u]}\n`);
  if (ha) writeSecretFile(sentinelAccessPath(dataDir), `${newAccess}\n`);
  return {
    users: [...REDIS_USERS],
    servers: done.ok,
    unreachable: [...done.failed, ...(told?.failed ?? [])],
    sentinels: told?.ok ?? [],
  };
}

/** Removes every password but the current one of each user, on the servers and in users.acl. */
export async function retireRedisPasswords(dataDir: string): Promise<RedisRotationReport> {
  const { prefix, servers, sentinels } = serversOf(dataDir);
  const current = currentPasswords(dataDir);
  const kept = aclFileHashes(readFileSync(aclPath(dataDir), "utf8"));
  const stale = Object.fromEntries(
    REDIS_USERS.map((u) => [u, (kept.get(u) ?? []).filter((h) => h !== passwordHash(current[u]))]),
  ) as Record<RedisUser, string[]>;
  const operator = { username: "operator", password: current.operator };
  const done = await onEvery(servers, (s) => removePasswordHashes(s, operator, stale));
  writeSecretFile(aclPath(dataDir), aclFile(current, prefix));
  const access = readSentinelAccess(dataDir);
  const auth = sentinelAuth(access);
  const keep = access && passwordHash(access);
  const told = await onEvery(sentinels, async (s) => {
    const old = (await passwordHashesOn(s, auth, "default")).filter((h) => h !== keep);
    await removePasswordHashes(s, auth, { default: old });
  });
  return {
    users: REDIS_USERS.filter((u) => stale[u].length > 0),
    servers: done.ok,
    unreachable: [...done.failed, ...told.failed],
    sentinels: told.ok,
  };
}
