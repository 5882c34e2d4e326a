/** The ports of an `--ha` cluster's infrastructure: 3 NATS servers, 3 Redis servers and 3 Sentinels. */

/** The name the Sentinels know the Redis primary by (TUG_REDIS_MASTER_NAME). */
export const HA_MASTER_NAME = "tug";

/** How many of each infrastructure server an `--ha` cluster runs. */
export const HA_SIZE = 3;

/** Where the servers of an `--ha` cluster listen (all on 127.0.0.1); index i is server `<kind>-<i+1>`. */
export interface HaAddresses {
  /** Client ports of nats-1…3 (nats-1 on the cluster's NATS port). */
  natsPorts: number[];
  /** Cluster (route) ports of nats-1…3. */
  routePorts: number[];
  /** redis-1…3 (redis-1, on the cluster's Redis port, starts as the primary). */
  redisPorts: number[];
  /** sentinel-1…3. */
  sentinelPorts: number[];
  masterName: string;
}

/** Free ports an `--ha` cluster needs beyond the NATS and Redis ports: 2 + 3 + 2 + 3. */
export const HA_EXTRA_PORTS = 2 * (HA_SIZE - 1) + 2 * HA_SIZE;

/** Lays out the ports: the given NATS and Redis ports first, then `extra` (HA_EXTRA_PORTS free ports). */
export function haAddresses(natsPort: number, redisPort: number, extra: number[]): HaAddresses {
  if (extra.length < HA_EXTRA_PORTS) throw new Error(`internal: ${HA_EXTRA_PORTS} ports needed, got ${extra.length}`);
  const rest = [...extra];
  const take = (n: number) => rest.splice(0, n);
  return {
    natsPorts: [natsPort, ...take(HA_SIZE - 1)],
    routePorts: take(HA_SIZE),
    redisPorts: [redisPort, ...take(HA_SIZE - 1)],
    sentinelPorts: take(HA_SIZE),
    masterName: HA_MASTER_NAME,
  };
}

/** `nats://127.0.0.1:p,…` for every NATS server (TUG_NATS_URL of an `--ha` cluster). */
export function haNatsUrl(h: HaAddresses): string {
  return h.natsPorts.map((p) => `nats://127.0.0.1:${p}`).join(",");
}

/** `127.0.0.1:p,…` for every Sentinel (TUG_REDIS_SENTINELS). */
export function haSentinels(h: HaAddresses): string {
  return h.sentinelPorts.map((p) => `127.0.0.1:${p}`).join(",");
}

/** The component name of the Redis server on `port` (`redis-<i>`), or undefined. */
export function redisNameOfPort(h: HaAddresses, port: number): string | undefined {
  const i = h.redisPorts.indexOf(port);
  return i < 0 ? undefined : `redis-${i + 1}`;
}
