/**
 * Starting an `--ha` cluster's infrastructure: which specs, which ports to wait for, and the wait until Redis
 * replicates (the primary has its replicas and the Sentinels know it), so the first writes are not refused.
 */
import { sleep } from "@tug/runtime";
import { attachedReplicas, type RedisAuth, sentinelKnows, sentinelPrimary } from "@tug/state";
import type { RedisCredentials } from "../redis-auth.js";
import type { ComponentSpec } from "../components.js";
import { type HaAddresses, haSentinels } from "./addresses.js";
import type { ClusterTls } from "../tls.js";
import { natsClusterSpecs, redisNodeSpecs, sentinelSpecs } from "./specs.js";

/** Every infrastructure process of an `--ha` cluster (NATS, Redis, Sentinels). */
export function haInfraSpecs(
  dataDir: string,
  h: HaAddresses,
  creds: RedisCredentials,
  log: (name: string, line: string) => void,
  tls?: ClusterTls,
): ComponentSpec[] {
  return [
    ...natsClusterSpecs(dataDir, h, tls),
    ...redisNodeSpecs(dataDir, h, creds, log),
    ...sentinelSpecs(dataDir, h, creds),
  ];
}

/** The (name, port, host) of every infrastructure process, to wait for it to listen. */
export function haPorts(h: HaAddresses): Array<[string, number, string]> {
  const named = (kind: string, ports: number[]) =>
    ports.map((p, i): [string, number, string] => [`${kind}-${i + 1}`, p, h.hosts[i]!]);
  return [...named("nats", h.natsPorts), ...named("redis", h.redisPorts), ...named("sentinel", h.sentinelPorts)];
}

/**
 * Resolves once the Sentinels name a primary that has every replica attached (asked as `auth`) and every Sentinel
 * knows every replica and every other Sentinel: before that, a failover can promote nobody (CI saw a primary killed
 * seconds after start-up stay unreplaced: the Sentinels had not yet read the replicas from its INFO). The Sentinels
 * are asked with `sentinelPassword`. Rejects after `timeoutMs`.
 */
export async function waitReplicated(
  h: HaAddresses,
  timeoutMs: number,
  auth: RedisAuth,
  sentinelPassword?: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const want = h.redisPorts.length - 1;
  let seen = "no answer from the Sentinels";
  while (Date.now() < deadline) {
    seen = (await notYetReplicated(h, want, auth, sentinelPassword)) ?? "";
    if (!seen) return;
    await sleep(100);
  }
  throw new Error(`Redis did not replicate within ${timeoutMs} ms (${seen})`);
}

/** What is still missing before a failover could succeed; undefined when nothing is. */
async function notYetReplicated(
  h: HaAddresses,
  want: number,
  auth: RedisAuth,
  sentinelPassword: string | undefined,
): Promise<string | undefined> {
  const p = await sentinelPrimary(haSentinels(h), h.masterName, 1_000, sentinelPassword);
  if (!p) return "no answer from the Sentinels";
  const n = await attachedReplicas(p.host, p.port, auth);
  if (n < want) return `primary ${p.host}:${p.port} has ${n} of ${want} replicas attached`;
  for (const [i, port] of h.sentinelPorts.entries()) {
    const k = await sentinelKnows(h.hosts[i]!, port, h.masterName, 1_000, sentinelPassword);
    if (!k || k.replicas < want || k.sentinels < h.sentinelPorts.length - 1)
      return `sentinel-${i + 1} knows ${k?.replicas ?? "?"} of ${want} replicas, ${k?.sentinels ?? "?"} other Sentinels`;
  }
  return undefined;
}
