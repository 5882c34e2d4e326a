/**
 * What a Redis server of an `--ha` cluster does before the supervisor restarts it: it asks the Sentinels who the
 * primary is and rewrites its config file to replicate that primary. A dead primary waits until the Sentinels have
 * failed over to another server, so it never comes back as a second primary that acknowledges writes a failover
 * then drops; it rejoins as a replica. The wait is bounded (REJOIN_WAIT_MS): past it, the server starts as its
 * config file says.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { sleep } from "@tug/runtime";
import { sentinelPrimary } from "@tug/state";
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
 * Sentinels are asked with `sentinelPassword()` (read at each question: it may have been rotated).
 */
export async function rejoinAsReplica(
  confFile: string,
  host: string,
  port: number,
  sentinels: string,
  masterName: string,
  log: (line: string) => void,
  sentinelPassword: () => string | undefined = () => undefined,
): Promise<void> {
  const deadline = Date.now() + REJOIN_WAIT_MS;
  while (Date.now() < deadline) {
    const p = await sentinelPrimary(sentinels, masterName, 1_000, sentinelPassword());
    const settled = p !== undefined && !/s_down|o_down|failover/.test(p.flags);
    if (settled && !(p.port === port && p.host === host)) {
      setReplicaOf(confFile, p);
      log(`rejoining as a replica of ${p.host}:${p.port}`);
      return;
    }
    await sleep(200);
  }
  log(`the Sentinels named no other primary within ${REJOIN_WAIT_MS} ms; starting as the config file says`);
}
