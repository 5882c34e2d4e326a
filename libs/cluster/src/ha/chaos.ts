/**
 * `tug chaos kill-redis-primary | kill-nats-server [N]` against a running `--ha` cluster, found through its
 * cluster.json: the primary is whichever Redis server the Sentinels name now.
 */
import { TugError } from "@tug/contracts";
import { sentinelPrimary } from "@tug/state";
import { type ChaosResult, killComponent } from "../chaos.js";
import type { ClusterFile } from "../cluster-file.js";
import { type HaAddresses, haSentinels, redisNameOfPort } from "./addresses.js";
import { readSentinelAccess } from "../redis-auth.js";

function haOf(f: ClusterFile): HaAddresses {
  if (!f.ha)
    throw new TugError(
      "VALIDATION_FAILED",
      "this cluster was not started with --ha (one NATS server, one Redis server)",
      "ha",
    );
  return f.ha;
}

/** SIGKILLs the current Redis primary; the Sentinels fail over to a replica and the old primary rejoins as one. */
export async function killRedisPrimary(f: ClusterFile): Promise<ChaosResult> {
  const h = haOf(f);
  const p = await sentinelPrimary(haSentinels(h), h.masterName, 1_000, readSentinelAccess(f.dataDir));
  const name = p && redisNameOfPort(h, p.port);
  if (!name) throw new TugError("STORE_UNAVAILABLE", "no Sentinel answered with a primary of this cluster");
  const r = killComponent(f, name);
  return { actions: r.actions.map((a) => `${a} (it was the Redis primary, ${p!.host}:${p!.port})`) };
}

/** SIGKILLs NATS server `n` (1-based), or the first running one; its clients reconnect to the other two. */
export function killNatsServer(f: ClusterFile, n?: number): ChaosResult {
  const h = haOf(f);
  if (n !== undefined && (n < 1 || n > h.natsPorts.length)) {
    throw new TugError("VALIDATION_FAILED", `N must be between 1 and ${h.natsPorts.length}, got ${n}`, "n");
  }
  const name = n !== undefined ? `nats-${n}` : f.components.find((c) => c.role === "nats" && c.pid !== null)?.name;
  if (!name) throw new TugError("NOT_FOUND", "no NATS server of this cluster is running");
  return killComponent(f, name);
}
