// bench/failover (issue 14): on a `tug up --ha` cluster (3 NATS servers, Redis primary + 2 replicas + 3 Sentinels,
// 2 instances per component), the time from SIGKILL of the Redis primary, and of one NATS server, to the next
// acknowledged write. Needs `npx tsc --build` first. Usage: node bench/failover.mjs [--trials N] [--verbose]
// Prints one JSON line per figure (p50/p99 over N ≥ 20 trials; goal p99 ≤ 3 s).
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startBenchCluster } from "./common/cluster.mjs";
import { percentile } from "./heal/stats.mjs";
import { natsTrials, primaryTrials } from "./failover/trials.mjs";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const { values } = parseArgs({
  options: { trials: { type: "string", default: "20" }, verbose: { type: "boolean", default: false } },
});
const trials = Number(values.trials);
if (!Number.isInteger(trials) || trials < 1 || trials > 1000) {
  console.error(`--trials must be an integer from 1 to 1000, got ${values.trials}`);
  process.exit(2);
}
const log = values.verbose ? (l) => console.error(`failover: ${l}`) : () => {};

function figure(name, samples) {
  const line = {
    bench: "failover",
    figure: name,
    trials: samples.length,
    p50_ms: percentile(samples, 50),
    p99_ms: percentile(samples, 99),
    max_ms: Math.max(...samples),
    goal_p99_ms: 3_000,
    cores: cpus().length,
    loadavg_1m: +loadavg()[0].toFixed(1),
  };
  console.log(JSON.stringify(line));
}

const bench = await startBenchCluster({
  name: "failover",
  nodes: 1,
  driver: "fake",
  portsFrom: 17_000,
  repoRoot,
  ha: true,
});
try {
  await bench.intake("apply", {
    name: "fo",
    namespace: "default",
    replicas: 1,
    command: ["x"],
    resources: { cpu: 0.01, memory: "8Mi" },
  });
  figure("redis primary SIGKILL -> next acknowledged write", await primaryTrials(bench, trials, log));
  figure("NATS server SIGKILL -> next acknowledged write", await natsTrials(bench, trials, log));
} finally {
  await bench.close();
}
