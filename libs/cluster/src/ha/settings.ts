/**
 * The tuning of an `--ha` cluster's Redis and Sentinels, and why (docs/ha.md explains them at more length).
 */

/** Sentinel: a primary silent this long is subjectively down (Redis' default is 30 s). */
export const DOWN_AFTER_MS = 1_000;
/** Sentinel: how long one failover attempt may take before another Sentinel may try (default 3 min). */
export const FAILOVER_TIMEOUT_MS = 3_000;
/** Sentinels that must agree the primary is down before a failover (a majority of 3). */
export const SENTINEL_QUORUM = 2;
/** Primary: refuse writes unless at least this many replicas are attached … */
export const MIN_REPLICAS_TO_WRITE = 1;
/** … and acknowledged the replication stream within this many seconds (a cut-off primary stops writing). */
export const MIN_REPLICAS_MAX_LAG_S = 2;
/** Components: replicas that must confirm a write (WAIT) before it is acknowledged. */
export const WAIT_REPLICAS = 1;
/** Components: how long one WAIT may block before the write is reported as not durable. */
export const WAIT_TIMEOUT_MS = 1_000;
/** A restarting Redis server waits at most this long for the Sentinels to settle who the primary is. */
export const REJOIN_WAIT_MS = 15_000;

/** The environment that points a component at the Sentinels (with their password's file) and makes acks durable. */
export function haRedisEnv(
  sentinels: string,
  masterName: string,
  sentinelPasswordFile?: string,
): Record<string, string> {
  return {
    TUG_REDIS_SENTINELS: sentinels,
    ...(sentinelPasswordFile ? { TUG_REDIS_SENTINEL_PASSWORD_FILE: sentinelPasswordFile } : {}),
    TUG_REDIS_MASTER_NAME: masterName,
    TUG_REDIS_WAIT_REPLICAS: String(WAIT_REPLICAS),
    TUG_REDIS_WAIT_TIMEOUT_MS: String(WAIT_TIMEOUT_MS),
  };
}
