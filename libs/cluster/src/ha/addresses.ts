/**
 * Where an `--ha` cluster's infrastructure listens: 3 NATS servers, 3 Redis servers and 3 Sentinels, server i of each
 * kind on host i (127.0.0.1 for all three, or with `--hosts` the lab's control-plane host i, in its namespace).
 */

/** The name the Sentinels know the Redis primary by (TUG_REDIS_MASTER_NAME). */
export const HA_MASTER_NAME = "tug";

/** How many of each infrastructure server an `--ha` cluster runs. */
export const HA_SIZE = 3;

/** Where the servers of an `--ha` cluster listen; index i is server `<kind>-<i+1>`, on host i. */
export interface HaAddresses {
  /** The address of each host (127.0.0.1 ×3 without a lab). */
  hosts: string[];
  /** The network namespace of each host (absent without a lab). */
  namespaces?: string[];
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
    hosts: Array.from({ length: HA_SIZE }, () => "127.0.0.1"),
    natsPorts: [natsPort, ...take(HA_SIZE - 1)],
    routePorts: take(HA_SIZE),
    redisPorts: [redisPort, ...take(HA_SIZE - 1)],
    sentinelPorts: take(HA_SIZE),
    masterName: HA_MASTER_NAME,
  };
}

/** The same servers placed on `hosts` (addresses) inside `namespaces`, server i on host i. */
export function placeHa(h: HaAddresses, hosts: Array<{ address: string; namespace: string }>): HaAddresses {
  if (hosts.length !== HA_SIZE) throw new Error(`internal: ${HA_SIZE} control-plane hosts needed, got ${hosts.length}`);
  return { ...h, hosts: hosts.map((x) => x.address), namespaces: hosts.map((x) => x.namespace) };
}

/** `nats://host:p,…` for every NATS server (TUG_NATS_URL of an `--ha` cluster). */
export function haNatsUrl(h: HaAddresses): string {
  return h.natsPorts.map((p, i) => `nats://${h.hosts[i]}:${p}`).join(",");
}

/** `host:p,…` for every Sentinel (TUG_REDIS_SENTINELS). */
export function haSentinels(h: HaAddresses): string {
  return h.sentinelPorts.map((p, i) => `${h.hosts[i]}:${p}`).join(",");
}

/** The component name of the Redis server on `port` (`redis-<i>`), or undefined. */
export function redisNameOfPort(h: HaAddresses, port: number): string | undefined {
  const i = h.redisPorts.indexOf(port);
  return i < 0 ? undefined : `redis-${i + 1}`;
}
