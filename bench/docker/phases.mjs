// Where the time of one converge goes (issue 16): a 2-node Tugboat cluster on the docker driver applies N replicas of
// the bench workload and polls every replica's record every 100 ms, then prints one JSON line per phase (ms from the
// apply until the first, median and last replica reached it: bound by the scheduler, Starting on the worker, Running
// once its container started, ready once its first probe passed) and one line of CPU-seconds per process kind over
// the converge (Tugboat's own processes, the engine's, the apps'), read from /proc.
// Usage: node bench/docker/phases.mjs [--network bridge|host] [--replicas N]   (needs `npx tsc --build`, dockerd)
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startBenchCluster } from "../common/cluster.mjs";
import { until } from "../common/poll.mjs";
import { percentile } from "../heal/stats.mjs";
import { cpuSeconds } from "../scale/procs.mjs";
import { manifest, WORKLOAD } from "./common.mjs";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const { values } = parseArgs({
  options: { network: { type: "string", default: "host" }, replicas: { type: "string", default: "50" } },
});
const n = Number(values.replicas);
if (!["bridge", "host"].includes(values.network)) throw new Error(`--network must be bridge or host`);
if (!Number.isInteger(n) || n < 1 || n > 200) throw new Error(`--replicas must be an integer from 1 to 200`);

/** What a process is, from its command line: a Tugboat service, an engine part, or the workload. */
const KIND =
  /services\/([a-z-]+)\/dist|(dockerd)|(containerd-shim)|(containerd)|(redis-server)|(nats-server)|(docker-init)|(server\.js)/;

/** CPU-seconds (user + system) so far of every live process, summed by kind. */
function cpuByKind() {
  const out = {};
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    let cmdline;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    } catch {
      continue; // the process ended meanwhile
    }
    const m = KIND.exec(cmdline);
    const kind = m?.slice(1).find(Boolean);
    if (kind) out[kind] = (out[kind] ?? 0) + (cpuSeconds(pid) ?? 0);
  }
  return out;
}

const cluster = await startBenchCluster({
  name: "phases",
  nodes: 2,
  driver: "docker",
  portsFrom: 24_000,
  repoRoot,
  env: { TUG_DOCKER_NETWORK: values.network },
});
try {
  const before = cpuByKind();
  const t0 = Date.now();
  await cluster.intake("apply", manifest("phases", n, WORKLOAD.image1));
  const reached = new Map();
  await until(
    `${n} replicas Running and ready`,
    async () => {
      const all = await cluster.store.replicasOfDeployment("default/phases");
      const t = Date.now() - t0;
      for (const r of all) {
        const seen = reached.get(r.id) ?? {};
        if (r.node && seen.bound === undefined) seen.bound = t;
        if ((r.phase === "Starting" || r.phase === "Running") && seen.starting === undefined) seen.starting = t;
        if (r.phase === "Running" && seen.running === undefined) seen.running = t;
        if (r.ready && seen.ready === undefined) seen.ready = t;
        reached.set(r.id, seen);
      }
      return all.length === n && all.every((r) => r.phase === "Running" && r.ready);
    },
    300_000,
    100,
  );
  const wallMs = Date.now() - t0;
  const after = cpuByKind();
  for (const phase of ["bound", "starting", "running", "ready"]) {
    const ms = [...reached.values()].map((s) => s[phase]).filter((x) => x !== undefined);
    const line = { bench: "docker-phases", network: values.network, replicas: n, phase, reached: ms.length };
    const [first, p50, last] = [0, 50, 100].map((p) => Math.round(percentile(ms, p)));
    console.log(JSON.stringify({ ...line, first_ms: first, p50_ms: p50, last_ms: last }));
  }
  const cpu = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, +(v - (before[k] ?? 0)).toFixed(1)]));
  const tugboat = ["controller", "scheduler", "health-monitor", "autoscaler", "registry", "proxy", "worker"];
  const own = +tugboat.reduce((a, k) => a + (cpu[k] ?? 0), 0).toFixed(1);
  console.log(
    JSON.stringify({
      bench: "docker-phases",
      network: values.network,
      replicas: n,
      wall_s: wallMs / 1000,
      cpu_s: cpu,
      tugboat_cpu_s: own,
    }),
  );
} finally {
  await cluster.close();
}
