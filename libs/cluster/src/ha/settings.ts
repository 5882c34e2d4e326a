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
/**
 * Sentinel's internal periods (ms), set after each start with SENTINEL DEBUG (no config-file setting exists). Defaults:
 * ping 1 s, ask 1 s, publish 2 s, info 10 s. With the 1 s down-after:
 * - ping: a ping every second raced the down-after, so a new primary was marked down for a moment right after a
 *   failover, which started a second, needless one (a trial of bench/failover took 14.4 s). Not below 300 ms: in a
 *   failover a replica counts as promotable only if its INFO (read every second then, whatever info-period says) is
 *   younger than 5 pings; at 100 ms none was, and the failover was given up ("no-good-slave") for 6 s;
 * - ask: a Sentinel that sees the primary down asks its peers this often until a quorum agrees;
 * - publish: hellos carry a new configuration to the peers; a server that comes back as a primary after a failover
 *   is turned into a replica 4 publish periods after it said so (8 s by default, while every write waits for it);
 * - info: how often a Sentinel reads a server's INFO, and so learns its role (10 s by default).
 */
export const SENTINEL_PERIODS_MS = {
  "ping-period": 300,
  "ask-period": 100,
  "publish-period": 200,
  "info-period": 1000,
};
/**
 * A Redis server's restart backoff is forgotten once it has run this long (the supervisor's default is 30 s, Docker's
 * 10 s). Every write waits for every server, so its restart delay is the cluster's write outage; a server that crash
 * loops (a bad config, a port in use, a damaged AOF) exits within milliseconds of its start and still backs off to the
 * 5 s cap, but one that ran for 2 s was killed, not crash-looping. In bench/failover, where a server is killed every
 * 5–15 s, the 30 s default had grown the delay to its cap and a trial from about 2 s to 4–6.6 s; 10 s still to 5 s.
 */
export const REDIS_RESTART_RESET_MS = 2_000;
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
