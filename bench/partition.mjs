// bench/partition: a host cut off by a network partition → every replica ready elsewhere. `tug up --hosts 3` (needs
// root), the web example with 6 replicas, default timings (heartbeat 500 ms, NotReady 2 s, Lost 1 s later). Each trial
// partitions the host holding the most replicas (nftables in its namespace, both directions), times until 6 are
// ready off it, heals, and waits until exactly 6 run again. Usage: node bench/partition.mjs [--trials N] (N ≥ 20).
// Prints one JSON line per figure (p50/p99), and the peers' documented figures beside them (not measured here).
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { cut, uncut } from "../libs/cluster/dist/index.js";
import { exampleWebManifest } from "../libs/testkit/dist/index.js";
import { startBenchCluster } from "./common/cluster.mjs";
import { until } from "./common/poll.mjs";
import { percentile } from "./heal/stats.mjs";
import { nodeStatus, readyEndpoints, replicaProcesses } from "./partition/lab.mjs";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const options = { trials: { type: "string", default: "20" }, replicas: { type: "string", default: "6" } };
const { values } = parseArgs({ options });
const trials = Number(values.trials);
const replicas = Number(values.replicas);
if (!Number.isInteger(trials) || trials < 20 || trials > 1000) {
  console.error(`--trials must be an integer from 20 to 1000, got ${values.trials}`);
  process.exit(2);
}
/** What the peers document for a node cut off (not measured here). */
const PEERS = {
  kubernetes_defaults_s: "~350 (node-monitor-grace 50 s + default tolerationSeconds 300 s)",
  nomad_s: "20-30 (heartbeat TTL, then reschedule)",
  swarm_s: "~15 (dispatcher heartbeat period 5 s × 3)",
};

const b = await startBenchCluster({
  name: "partition",
  hosts: 3,
  driver: "process",
  portsFrom: 20_000,
  repoRoot,
  hostsSubnet: process.env.TUG_HOSTS_SUBNET ?? "10.231.0.0/24",
  env: { TUG_HEARTBEAT_MS: "500", TUG_NODE_GRACE_MS: "2000", TUG_LOST_GRACE_MS: "1000" },
});
const { cluster } = b;
const lab = cluster.lab;
const api = cluster.apiUrl;
const elsewhere = [];
const notReady = [];
const healed = [];
try {
  await b.intake("apply", exampleWebManifest(replicas));
  await converged();
  for (let t = 1; t <= trials; t++) {
    const eps = await readyEndpoints(api, "web");
    const counts = new Map();
    for (const e of eps) counts.set(e.node, (counts.get(e.node) ?? 0) + 1);
    const victim = [...counts].sort((x, y) => y[1] - x[1])[0][0];
    const host = lab.hosts.find((h) => h.node === victim);
    const peers = [lab.bridgeAddress, ...lab.hosts.filter((h) => h !== host).map((h) => h.address)];
    const t0 = Date.now();
    await cut(host.namespace, peers);
    let sawNotReady = 0;
    const isNotReady = async () => (await nodeStatus(api)).get(victim) === "NotReady" && (sawNotReady = Date.now());
    await until("NotReady", isNotReady, 60_000, 50);
    const ready = await until(
      `${replicas} ready off ${victim}`,
      async () => {
        const e = await readyEndpoints(api, "web");
        return e.length === replicas && !e.some((x) => x.node === victim) && Date.now();
      },
      60_000,
      50,
    );
    elsewhere.push(ready - t0);
    notReady.push(sawNotReady - t0);
    await uncut(host.namespace);
    const h0 = Date.now();
    await converged();
    healed.push(Date.now() - h0);
    const took = `${ready - t0} ms to ${replicas} ready elsewhere; converged ${Date.now() - h0} ms after the heal`;
    if (process.env.TUG_BENCH_VERBOSE) console.error(`trial ${t}: ${victim} cut; ${took}`);
  }
  const line = (figure, xs, extra = {}) =>
    console.log(
      JSON.stringify({
        bench: "partition",
        system: "tugboat",
        driver: "process",
        hosts: 3,
        replicas,
        figure,
        trials: xs.length,
        p50_ms: Math.round(percentile(xs, 50)),
        p99_ms: Math.round(percentile(xs, 99)),
        max_ms: Math.max(...xs),
        ...extra,
      }),
    );
  const goal = { goal_p99_ms: 5_000, peers_documented: PEERS };
  line("partition of the fullest host -> all replicas ready elsewhere", elsewhere, goal);
  line("partition -> host NotReady (out of every endpoint list)", notReady);
  line("heal -> exactly the desired copies running (replaced ones stopped)", healed);
} finally {
  await b.close();
}

/** Every host Ready, `replicas` ready endpoints, exactly `replicas` distinct replica processes in all namespaces. */
async function converged() {
  await until(
    "converged",
    async () => {
      const status = await nodeStatus(api);
      if ([...status.values()].some((s) => s !== "Ready")) return false;
      if ((await readyEndpoints(api, "web")).length !== replicas) return false;
      const ids = [...(await replicaProcesses(lab)).values()].flat();
      return ids.length === replicas && new Set(ids).size === replicas;
    },
    120_000,
    100,
  );
}
