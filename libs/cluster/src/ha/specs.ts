/**
 * The infrastructure of an `--ha` cluster as supervisor specs: a 3-server NATS cluster (full mesh of routes), Redis
 * as a primary (redis-1 at first) with 2 replicas, and 3 Sentinels watching it. Each Redis server and Sentinel runs
 * from a config file of its own under `<dataDir>/redis/<name>/`, which Sentinel rewrites on a failover.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { type ComponentSpec, TIER } from "../components.js";
import { type HaAddresses, haSentinels } from "./addresses.js";
import { currentAuth, type RedisCredentials, readSentinelAccess } from "../redis-auth.js";
import { writeSecretFile } from "../secret-file.js";
import { rejoinAsReplica, replicateNow } from "./rejoin.js";
import { tuneSentinel } from "./tune-sentinel.js";
import { inNetns } from "../hosts/placed.js";
import { writeNatsServerConf } from "../nats-auth/store.js";
import { type ClusterTls, natsTlsBlock } from "../tls.js";
import {
  DOWN_AFTER_MS,
  FAILOVER_TIMEOUT_MS,
  MIN_REPLICAS_MAX_LAG_S,
  MIN_REPLICAS_TO_WRITE,
  REDIS_RESTART_RESET_MS,
  SENTINEL_QUORUM,
} from "./settings.js";

/**
 * nats-1…3 (server i on host i): one cluster `tug`, each with routes to the other two, JetStream under
 * `<dataDir>/nats/<name>`. Each runs from `<dataDir>/nats-auth/<name>.conf` (mode 0600): the route listener and
 * routes with a route user and password made afresh here (no server takes a route without it), and the clients'
 * authorization (`include auth.conf`). With `tls` (the servers are on lab hosts), clients and routes speak TLS, and
 * each route verifies its peer.
 */
export function natsClusterSpecs(dataDir: string, h: HaAddresses, tls?: ClusterTls): ComponentSpec[] {
  const route = { user: "route", password: randomBytes(24).toString("base64url") };
  const auth = `${route.user}:${route.password}`;
  return h.natsPorts.map((port, i) => {
    const name = `nats-${i + 1}`;
    const host = h.hosts[i]!;
    const routes = h.routePorts.flatMap((p, j) => (j === i ? [] : [`nats://${auth}@${h.hosts[j]}:${p}`]));
    const routeTls = tls ? { tls: natsTlsBlock(tls, { routes: true }) } : {};
    const cluster = { name: "tug", listen: `${host}:${h.routePorts[i]}`, authorization: route, routes, ...routeTls };
    const conf = writeNatsServerConf(dataDir, name, [`cluster: ${JSON.stringify(cluster, null, 1)}`], tls);
    const args = ["-c", conf, "-a", host, "-p", String(port), "-n", name, "-js", "-sd", join(dataDir, "nats", name)];
    return { name, role: "nats", tier: TIER.infra, ...inNetns(h.namespaces?.[i], "nats-server", args) };
  });
}

/**
 * redis-1…3: AOF with fsync always; a primary refuses writes without a replica that is attached and recent
 * (min-replicas-*); replicas sync without delay (diskless). redis-2 and redis-3 start as replicas of redis-1. Every
 * server loads the cluster's ACL file and, as a replica, authenticates to its primary as the `replication` user.
 */
export function redisNodeSpecs(
  dataDir: string,
  h: HaAddresses,
  creds: RedisCredentials,
  log: (name: string, line: string) => void,
): ComponentSpec[] {
  const sentinels = haSentinels(h);
  return h.redisPorts.map((port, i) => {
    const name = `redis-${i + 1}`;
    const host = h.hosts[i]!;
    const conf = writeConf(dataDir, name, [
      `port ${port}`,
      `bind ${host}`,
      "appendonly yes",
      "appendfsync always",
      'save ""',
      `min-replicas-to-write ${MIN_REPLICAS_TO_WRITE}`,
      `min-replicas-max-lag ${MIN_REPLICAS_MAX_LAG_S}`,
      "repl-diskless-sync yes",
      "repl-diskless-sync-delay 0",
      "repl-ping-replica-period 1",
      `aclfile ${JSON.stringify(creds.aclFile)}`,
      "masteruser replication",
      `masterauth ${creds.passwords.replication}`,
      ...(i > 0 ? [`replicaof ${h.hosts[0]} ${h.redisPorts[0]}`] : []),
    ]);
    let rejoined: { host: string; port: number } | undefined;
    const note = (say: (line: string) => void) => (l: string) => {
      say(l);
      log(name, l);
    };
    return {
      name,
      role: "redis",
      tier: TIER.infra,
      ...inNetns(h.namespaces?.[i], "redis-server", [conf]),
      restart: { resetAfterMs: REDIS_RESTART_RESET_MS },
      beforeRestart: async (say) => {
        const access = () => readSentinelAccess(dataDir);
        rejoined = await rejoinAsReplica(conf, host, port, sentinels, h.masterName, note(say), access);
      },
      afterStart: async (say) => {
        const primary = rejoined;
        rejoined = undefined;
        if (!primary) return;
        await replicateNow(host, port, primary, () => currentAuth(creds, "sentinel"));
        note(say)(`replicating ${primary.host}:${primary.port} now`);
      },
    };
  });
}

/**
 * sentinel-1…3 (`redis-server <conf> --sentinel`), quorum 2, tuned to fail over within seconds (their periods set
 * after each start: SENTINEL_PERIODS_MS); they reach the Redis servers as the `sentinel` user, and take no command
 * (from a client or from each other) without the cluster's Sentinel password.
 */
export function sentinelSpecs(dataDir: string, h: HaAddresses, creds: RedisCredentials): ComponentSpec[] {
  const m = h.masterName;
  return h.sentinelPorts.map((port, i) => {
    const name = `sentinel-${i + 1}`;
    const conf = writeConf(dataDir, name, [
      `port ${port}`,
      `bind ${h.hosts[i]}`,
      `sentinel monitor ${m} ${h.hosts[0]} ${h.redisPorts[0]} ${SENTINEL_QUORUM}`,
      `sentinel down-after-milliseconds ${m} ${DOWN_AFTER_MS}`,
      `sentinel failover-timeout ${m} ${FAILOVER_TIMEOUT_MS}`,
      `sentinel parallel-syncs ${m} ${h.redisPorts.length - 1}`,
      `sentinel auth-user ${m} sentinel`,
      `sentinel auth-pass ${m} ${creds.passwords.sentinel}`,
      // no client (nor peer) without the Sentinels' password: none may ask for a failover or point them elsewhere
      `requirepass ${creds.sentinelAccess}`,
      `sentinel sentinel-pass ${creds.sentinelAccess}`,
    ]);
    const run = inNetns(h.namespaces?.[i], "redis-server", [conf, "--sentinel"]);
    const afterStart = (note: (line: string) => void) =>
      tuneSentinel(h.hosts[i]!, port, () => readSentinelAccess(dataDir), note);
    return { name, role: "sentinel", tier: TIER.infra, ...run, afterStart };
  });
}

/**
 * Writes `<dataDir>/redis/<name>/<name>.conf` afresh (with `dir` set to its folder; mode 0600, as it holds a
 * password); returns its path.
 */
function writeConf(dataDir: string, name: string, lines: string[]): string {
  const dir = join(dataDir, "redis", name);
  const file = join(dir, `${name}.conf`);
  writeSecretFile(file, [`dir ${JSON.stringify(dir)}`, ...lines, ""].join("\n"));
  return file;
}
