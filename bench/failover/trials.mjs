// The trials of bench/failover: kill one server of an --ha cluster, then time until the next write is acknowledged
// (a scale through the intake, retried every attempt with a short request timeout, as a client would).
import { sleep } from "../../libs/runtime/dist/index.js";
import { readSentinelAccess } from "../../libs/cluster/dist/index.js";
import { attachedReplicas, sentinelKnows, sentinelPrimary } from "../../libs/state/dist/index.js";
import { subjects } from "../../libs/contracts/dist/index.js";

/** How long one trial may take before it counts as a failure of the bench (ms). */
const TRIAL_LIMIT_MS = 60_000;

/** Sends scales of `default/fo` (alternating counts, so each is a real write) until one is acknowledged; its time. */
async function nextAck(bus, since, attempt) {
  for (;;) {
    attempt.n++;
    try {
      const body = { namespace: "default", name: "fo", replicas: 1 + (attempt.n % 2) };
      const r = await bus.request(subjects.desired("scale"), "desired.scale", body, 1_000);
      if (r?.ok !== false) return Date.now() - since;
    } catch {
      // refused (STORE_UNAVAILABLE), no answer, or our own NATS connection failing over: try again
    }
    if (Date.now() - since > TRIAL_LIMIT_MS)
      throw new Error(`no acknowledged write ${TRIAL_LIMIT_MS} ms after the kill`);
    await sleep(20);
  }
}

/**
 * True when every Sentinel names the same primary, with no failover in progress, and knows both replicas and both
 * other Sentinels up. Right after a failover its leader may still be reconfiguring the replicas (up to the 3 s
 * failover-timeout) while the others already follow the new primary; a primary killed then is a second fault on an
 * unsettled group (a trial once took 17 s: two Sentinels ended a stale failover by timeout, named another primary than
 * the third, and no quorum agreed the killed one was down until the next timeout).
 */
async function sentinelsSettled(cluster) {
  const h = cluster.ha;
  const password = readSentinelAccess(cluster.dataDir);
  const views = await Promise.all(
    h.sentinelPorts.map(async (port, i) => {
      const at = `${h.hosts[i]}:${port}`;
      const p = await sentinelPrimary(at, h.masterName, 1_000, password);
      const k = await sentinelKnows(h.hosts[i], port, h.masterName, 1_000, password);
      const known = k && k.replicas === h.redisPorts.length - 1 && k.sentinels === h.sentinelPorts.length - 1;
      return p && p.flags === "master" && known ? `${p.host}:${p.port}` : undefined;
    }),
  );
  return views.every((v) => v !== undefined && v === views[0]);
}

/**
 * Resolves once the Sentinels agree on a settled primary that has both replicas in sync again (the cluster is whole
 * before a trial).
 */
async function whole(cluster) {
  const deadline = Date.now() + TRIAL_LIMIT_MS;
  while (Date.now() < deadline) {
    const name = await cluster.redisPrimary().catch(() => undefined);
    const i = name ? Number(name.slice("redis-".length)) - 1 : -1;
    const all = cluster.components.filter((c) => /^(nats|redis|sentinel)-/.test(c.name)).every((c) => c.running);
    // asked as the cluster's admin user: the default user is off (Redis ACL)
    const attached =
      i >= 0 && all ? await attachedReplicas(cluster.ha.hosts[i], cluster.ha.redisPorts[i], cluster.redis) : -1;
    if (attached === cluster.ha.redisPorts.length - 1 && (await sentinelsSettled(cluster))) return name;
    await sleep(200);
  }
  throw new Error("the cluster did not become whole again within a minute");
}

/** `trials` SIGKILLs of the Redis primary; the kill → next ack times (ms). */
export async function primaryTrials(bench, trials, log) {
  const out = [];
  const attempt = { n: 0 };
  for (let i = 0; i < trials; i++) {
    const primary = await whole(bench.cluster);
    await nextAck(bench.bus, Date.now(), attempt);
    const at = Date.now();
    bench.cluster.kill(primary, "SIGKILL");
    out.push(await nextAck(bench.bus, at, attempt));
    log(`redis primary ${primary} SIGKILL → ack in ${out.at(-1)} ms`);
  }
  return out;
}

/** `trials` SIGKILLs of a NATS server (nats-1, -2, -3 in turn); the kill → next ack times (ms). */
export async function natsTrials(bench, trials, log) {
  const out = [];
  const attempt = { n: 0 };
  for (let i = 0; i < trials; i++) {
    await whole(bench.cluster);
    await nextAck(bench.bus, Date.now(), attempt);
    const name = `nats-${1 + (i % bench.cluster.ha.natsPorts.length)}`;
    const at = Date.now();
    bench.cluster.kill(name, "SIGKILL");
    out.push(await nextAck(bench.bus, at, attempt));
    log(`${name} SIGKILL → ack in ${out.at(-1)} ms`);
  }
  return out;
}
