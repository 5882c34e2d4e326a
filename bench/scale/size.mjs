// One size of bench/scale: hollow nodes up, scheduler alone, applied → all Running with apply latency, rest cost.
import { until } from "../common/poll.mjs";
import { startHollow } from "./hollow.mjs";
import { cpuWindow, pidsOf } from "./procs.mjs";
import { redisWindow } from "./redis-stats.mjs";
import { scrapeServed, servedSplit } from "./served.mjs";

const DEPLOYMENTS = 10;
const REPLICA = { command: ["x"], resources: { cpu: 0.1, memory: "16Mi" } };

/**
 * Counts replicas (all, bound, Running) inside Redis, one script per deployment of the bench: watching costs the
 * measured cluster little. One script over every replica would hold Redis for tens of ms at 10,000 replicas, a stall
 * that every apply probed meanwhile would wait out (Redis runs one script at a time).
 */
const COUNT = `local t, b, r = 0, 0, 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local h = redis.call('HMGET', ARGV[1] .. id, 'node', 'phase')
  t = t + 1
  if h[1] and h[1] ~= '' then b = b + 1 end
  if h[2] == 'Running' then r = r + 1 end
end
return { t, b, r }`;
async function phases(store) {
  const out = { total: 0, bound: 0, Running: 0 };
  for (const set of ["pre", "app"])
    for (let i = 0; i < DEPLOYMENTS; i++) {
      const key = store.k.deploymentReplicas(`default/${set}-${i}`);
      const [total, bound, Running] = await store.redis.eval(COUNT, 1, key, store.k.replica(""));
      out.total += total;
      out.bound += bound;
      out.Running += Running;
    }
  return out;
}

/** Applies `count` replicas over DEPLOYMENTS deployments named `<set>-<i>`. */
async function applySet(c, set, count) {
  const per = Math.ceil(count / DEPLOYMENTS);
  for (let i = 0; i < DEPLOYMENTS; i++)
    await c.intake("apply", { name: `${set}-${i}`, replicas: Math.min(per, count - i * per), ...REPLICA });
}

/** p50/p99 of `xs` (ms). */
function pct(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, p50Ms: +at(0.5).toFixed(1), p99Ms: +at(0.99).toFixed(1) };
}

/** Applies a small deployment every 50 ms until `stop()`; returns the latencies. */
function probeApplies(c) {
  const lat = [];
  let on = true;
  const done = (async () => {
    for (let i = 0; on; i++) {
      const t = performance.now();
      await c.intake("apply", { name: "probe", replicas: 1 + (i % 2), ...REPLICA });
      lat.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return async () => {
    on = false;
    await done;
    return lat;
  };
}

/** Runs one size; prints its figures. */
export async function runSize(c, { nodes, perNode, restS, repoRoot }) {
  const total = nodes * perNode;
  const half = Math.floor(total / 2);
  const line = (figure, extra) =>
    console.log(JSON.stringify({ bench: "scale", nodes, replicas: total, figure, ...extra }));
  const hollow = startHollow({ natsUrl: c.cluster.natsUrl, dataDir: c.dataDir, count: nodes, repoRoot });
  const pids = new Map([...pidsOf(c.cluster), ...hollow.procs.map((p) => [p.name, p.pid])]);
  const whole = cpuWindow(pids);
  try {
    const t0 = Date.now();
    await until(
      `${nodes} nodes Ready`,
      async () => (await c.store.nodes()).filter((n) => n.status === "Ready").length >= nodes,
      300_000,
      500,
    );
    line("nodes ready", { seconds: (Date.now() - t0) / 1000 });

    // (1) the scheduler alone, over pre-created pending replicas
    c.cluster.kill("scheduler-1", "SIGSTOP");
    await applySet(c, "pre", half);
    const pending = () => c.store.redis.scard(c.store.k.pending);
    await until(`${half} pending`, async () => (await pending()) >= half, 600_000, 500);
    const sched = cpuWindow(new Map(["scheduler-1", "redis"].map((n) => [n, pids.get(n)])));
    const t1 = performance.now();
    c.cluster.kill("scheduler-1", "SIGCONT");
    await until("all bound", async () => (await pending()) === 0, 600_000, 20);
    const s = (performance.now() - t1) / 1000;
    const { procs } = sched.end();
    const cpuS = procs["scheduler-1"].cpuS;
    line("scheduler placements/s", {
      placements: half,
      seconds: +s.toFixed(2),
      perSecond: Math.round(half / s),
      schedulerCpuS: cpuS,
      redisCpuS: procs.redis.cpuS,
      perSchedulerCpuSecond: Math.round(half / Math.max(0.01, cpuS)),
    });
    await until("pre Running", async () => (await phases(c.store)).Running >= half, 600_000, 500);

    // (2) applied → all Running, with apply latency measured meanwhile
    const controllerPort = c.cluster.components.find((x) => x.name === "controller-1").healthPort;
    const servedBefore = await scrapeServed(controllerPort, "tug.v1.desired.apply");
    const stopProbe = probeApplies(c);
    const t2 = Date.now();
    await applySet(c, "app", total - half);
    await until("all Running", async () => (await phases(c.store)).Running >= total, 600_000, 1_000);
    line("applied -> all Running", { replicas: total - half, seconds: (Date.now() - t2) / 1000 });
    const probed = pct(await stopProbe());
    const served = servedSplit(servedBefore, await scrapeServed(controllerPort, "tug.v1.desired.apply"));
    line("apply latency under load", { ...probed, controller: served });

    // (3) at rest, with unschedulable replicas waiting (each asks for more than a node has)
    const waiting = Math.max(1, Math.floor(total / 10));
    await c.intake("apply", {
      name: "toobig",
      replicas: waiting,
      command: ["x"],
      resources: { cpu: 64, memory: "16Mi" },
    });
    await until(
      "unschedulable marked",
      async () =>
        (await c.store.replicasOfDeployment("default/toobig")).filter((r) => r.reason === "Unschedulable").length >=
        waiting,
      300_000,
      500,
    );
    await new Promise((r) => setTimeout(r, 5_000));
    const rest = cpuWindow(pids);
    const redisRest = await redisWindow(c.store.redis);
    await new Promise((r) => setTimeout(r, restS * 1000));
    for (const [proc, f] of Object.entries(rest.end().procs))
      line("at rest", { unschedulable: waiting, windowS: restS, proc, ...f });
    line("redis commands at rest", { top: await redisRest.end() });
    const all = await c.store.nodes();
    const ready = all.filter((n) => n.status === "Ready").length;
    // each node beats every second (the hollow default) unless the heartbeat budget stretched it
    const perSecond = all.reduce((sum, n) => sum + 1000 / Math.max(1000, n.stretchedBeatMs ?? 0), 0);
    line("heartbeats absorbed", { perSecond: Math.round(perSecond), nodesReady: ready });
  } finally {
    for (const [proc, f] of Object.entries(whole.end().procs))
      line("whole run", { proc, cpuS: f.cpuS, peakRssMb: f.peakRssMb });
    await hollow.stop();
  }
}
