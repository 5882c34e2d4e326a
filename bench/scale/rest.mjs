// bench/scale/rest: what a cluster costs at rest while replicas wait for room. Starts `tug up`-style cluster with
// --nodes fake nodes, applies one deployment of `--replicas` (10m cpu each; a fake node of 2 cpus holds 200), waits
// for the ones that fit to run, then measures CPU-seconds per process over `--window` seconds with nothing changing.
// Usage: node bench/scale/rest.mjs [--nodes 5] [--replicas 3000] [--window 30]
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startBenchCluster } from "../common/cluster.mjs";
import { until } from "../common/poll.mjs";
import { cpuWindow, pidsOf } from "./procs.mjs";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const { values } = parseArgs({
  options: {
    nodes: { type: "string", default: "5" },
    replicas: { type: "string", default: "3000" },
    window: { type: "string", default: "30" },
  },
});
const [nodes, replicas, windowS] = [Number(values.nodes), Number(values.replicas), Number(values.window)];
const fit = nodes * 200;
const c = await startBenchCluster({ name: "rest", nodes, driver: "fake", portsFrom: 41_000, repoRoot });
try {
  await c.intake("apply", { name: "idle", command: ["x"], replicas, resources: { cpu: 0.01, memory: "1Mi" } });
  const running = async () => (await c.store.replicas()).filter((r) => r.phase === "Running").length;
  await until(
    `${Math.min(fit, replicas)} Running`,
    async () => (await running()) >= Math.min(fit, replicas),
    300_000,
    1_000,
  );
  await new Promise((r) => setTimeout(r, 5_000));
  const w = cpuWindow(pidsOf(c.cluster));
  await new Promise((r) => setTimeout(r, windowS * 1000));
  const { wallS, procs } = w.end();
  for (const [proc, f] of Object.entries(procs)) {
    console.log(
      JSON.stringify({
        bench: "scale/rest",
        nodes,
        replicas,
        running: Math.min(fit, replicas),
        unschedulable: Math.max(0, replicas - fit),
        windowS: wallS,
        proc,
        ...f,
      }),
    );
  }
} finally {
  await c.close();
}
