// bench/scale: how Tugboat's control plane grows with the cluster (kubemark / scheduler_perf / Nomad C1M style), on
// hollow nodes (fake driver, many per process). Needs `npm run build` first. Usage:
//   node bench/scale.mjs [--sizes 100,1000] [--per-node 10] [--rest 20]
// For each size N: N hollow nodes, then (1) scheduler alone: N·per-node/2 replicas created while the scheduler is
// paused (SIGSTOP), placements/s once it resumes; (2) applied → all Running for another N·per-node/2, with the p99 of
// tug.v1.desired.apply measured meanwhile; (3) at rest with N·per-node/10 replicas waiting for room, CPU per process.
// Prints one JSON line per figure; CPU-seconds and peak RSS come from /proc (per process, so a shared machine's
// load shows in wall times, not in CPU-seconds).
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startBenchCluster } from "./common/cluster.mjs";
import { runSize } from "./scale/size.mjs";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "100,1000" },
    "per-node": { type: "string", default: "10" },
    rest: { type: "string", default: "20" },
  },
});
const sizes = values.sizes.split(",").map(Number);
const perNode = Number(values["per-node"]);
if (sizes.some((n) => !Number.isInteger(n) || n < 10 || n > 20_000) || !(perNode >= 1 && perNode <= 40)) {
  console.error("--sizes: integers 10..20000; --per-node: 1..40");
  process.exit(2);
}
// calmer liveness for thousands of nodes (kubemark runs with node-monitor-grace-period 40 s): a node beats every 1 s
process.env.TUG_NODE_GRACE_MS ??= "10000";
process.env.TUG_LOG_LEVEL ??= "warn";
for (const nodes of sizes) {
  const c = await startBenchCluster({ name: `scale${nodes}`, nodes: 0, driver: "fake", portsFrom: 40_000, repoRoot });
  try {
    await runSize(c, { nodes, perNode, restS: Number(values.rest), repoRoot });
  } finally {
    await c.close();
  }
}
