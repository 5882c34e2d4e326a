// bench/rollout: time to roll N replicas (default 50) to a new version with zero failed requests under load, next to
// Docker Swarm's rolling update of N in the same run, with the failed-request count of both under the same load.
// Needs `npx tsc --build`, dockerd and `bash scripts/images` (tug-examples/web:1 and :2).
// Usage: node bench/rollout.mjs [--replicas N] [--rps R] [--surge S] [--driver docker|process]
//        [--network bridge|host] [--skip-swarm]
// --network: the Tugboat containers' network (TUG_DOCKER_NETWORK; default bridge).
// --surge: replicas replaced at a time on both systems (Tugboat's maxSurge, Swarm's --update-parallelism); default
// a quarter of N.
// Prints one JSON line per figure and the tugboat/swarm ratio (goal ≤ 1.0, issue 16).
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { benchSwarm } from "./rollout/swarm.mjs";
import { benchTug } from "./rollout/tug.mjs";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const { values } = parseArgs({
  options: {
    replicas: { type: "string", default: "50" },
    rps: { type: "string", default: "100" },
    surge: { type: "string" },
    driver: { type: "string", default: "docker" },
    network: { type: "string", default: "bridge" },
    "skip-swarm": { type: "boolean", default: false },
  },
});
const replicas = Number(values.replicas);
const rps = Number(values.rps);
if (!Number.isInteger(replicas) || replicas < 1 || replicas > 500) {
  console.error(`--replicas must be 1-500, got ${values.replicas}`);
  process.exit(2);
}
if (!Number.isInteger(rps) || rps < 1 || rps > 2_000) {
  console.error(`--rps must be 1-2000, got ${values.rps}`);
  process.exit(2);
}
if (!["docker", "process"].includes(values.driver)) {
  console.error(`--driver must be docker or process, got ${values.driver}`);
  process.exit(2);
}
if (!["bridge", "host"].includes(values.network)) {
  console.error(`--network must be bridge or host, got ${values.network}`);
  process.exit(2);
}
// maxSurge; Swarm's --update-parallelism (start-first)
const surge = values.surge === undefined ? Math.ceil(replicas * 0.25) : Number(values.surge);
if (!Number.isInteger(surge) || surge < 1 || surge > replicas) {
  console.error(`--surge must be 1-${replicas}, got ${values.surge}`);
  process.exit(2);
}

const line = (system, r) => {
  const l = {
    bench: "rollout",
    system,
    driver: system === "docker-swarm" ? "docker" : values.driver,
    ...(system === "tugboat" && values.driver === "docker" ? { network: values.network } : {}),
    replicas,
    parallelism: surge,
    rps,
    seconds: +r.seconds.toFixed(1),
    ...(r.load
      ? { requests: r.load.sent, failed: r.load.failed, errors: r.load.errors, p99_ms: r.load.latencyMs.p99 }
      : { requests: null, failed: null, note: r.note }),
  };
  console.log(JSON.stringify(l));
  return l;
};

const tug = line("tugboat", await benchTug(values.driver, replicas, rps, surge, repoRoot, values.network));
if (!values["skip-swarm"]) {
  const swarm = line("docker-swarm", await benchSwarm(replicas, surge, rps));
  console.log(
    JSON.stringify({
      bench: "rollout",
      figure: "ratio",
      what: `time to roll ${replicas}, ${surge} at a time (tugboat / swarm)`,
      tug_over_swarm: +(tug.seconds / swarm.seconds).toFixed(2),
      goal: 1.0,
      failed_tug: tug.failed,
      failed_swarm: swarm.failed,
    }),
  );
}
