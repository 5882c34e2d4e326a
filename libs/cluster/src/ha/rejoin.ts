/**
 * What a Redis server of an `--ha` cluster does before the supervisor restarts it: it asks the Sentinels who the
 * primary is and rewrites its config file to replicate that primary. A dead primary waits until the Sentinels have
 * failed over to another server, so it never comes back as a second primary that acknowledges writes a failover
 * then drops; it rejoins as a replica. The wait is bounded (REJOIN_WAIT_MS): past it, the server starts as its
 * config file says. Once the server runs, `replicateNow` makes it connect to that primary at once: a replica set up by
 * its config file first connects on its replication timer, up to a second after its start.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { retryFor, sleep } from "@tug/runtime";
import { oneShot, type RedisAuth, sentinelPrimary } from "@tug/state";
import { REJOIN_WAIT_MS } from "./settings.js";

/** Sets (or, with `primary` undefined, removes) the `replicaof` line of a Redis config file. */
export function setReplicaOf(confFile: string, primary: { host: string; port: number } | undefined): void {
  const lines = readFileSync(confFile, "utf8")
    .split("\n")
    .filter((l) => !/^\s*(replicaof|slaveof)\s/i.test(l) && l !== "");
  if (primary !== undefined) lines.push(`replicaof ${primary.host} ${primary.port}`);
  writeFileSync(confFile, `${lines.join("\n")}\n`);
}

/**
 * Prepares the restart of the Redis server on `host`:`port` whose config is `confFile` (see the file comment); the
 * Sentinels are asked with `sentinelPassword()` (read at each question: it may have been rotated). Resolves with the
 * primary it will replicate, or undefined when it starts as its config file says.
 */
export async function rejoinAsReplica(
  confFile: string,
  host: string,
  port: number,
  sentinels: string,
  masterName: string,
  log: (line: string) => void,
  sentinelPassword: () => string | undefined = () => undefined,
): Promise<{ host: string; port: number } | undefined> {
  const deadline = Date.now() + REJOIN_WAIT_MS;
  while (Date.now() < deadline) {
    const p = await sentinelPrimary(sentinels, masterName, 1_000, sentinelPassword());
    const settled = p !== undefined && !/s_down|o_down|failover/.test(p.flags);
    if (settled && !(p.port === port && p.host === host)) {
      setReplicaOf(confFile, p);
      log(`rejoining as a replica of ${p.host}:${p.port}`);
      return { host: p.host, port: p.port };
    }
    await sleep(200);
  }
  log(`the Sentinels named no other primary within ${REJOIN_WAIT_MS} ms; starting as the config file says`);
  return undefined;
}

/**
 * Makes the (just started) replica at `host`:`port` connect to `primary` now, as `auth()` (read at each try; a user
 * allowed MULTI and SLAVEOF: Sentinel's). `SLAVEOF NO ONE` and `SLAVEOF primary` in one transaction: the second
 * alone would be a no-op ("already connected to specified master") while the replica waits for its timer; no command
 * runs in between, so nothing ever sees the server as a primary. Tries for at most `withinMs`; rejects when it never
 * got through.
 */
export async function replicateNow(
  host: string,
  port: number,
  primary: { host: string; port: number },
  auth: () => RedisAuth,
  withinMs = 5_000,
): Promise<void> {
  await retryFor(
    async () => {
      const replies = await oneShot(
        host,
        port,
        1_000,
        (r) => r.multi().slaveof("NO", "ONE").slaveof(primary.host, primary.port).exec(),
        auth(),
      );
      const failed = (replies ?? []).find(([e]) => e);
      if (replies === null || failed) throw failed?.[0] ?? new Error("the transaction was discarded");
    },
    withinMs,
    50,
  );
}
