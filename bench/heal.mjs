// bench/heal: how fast Tugboat heals, next to Docker Swarm in the same run. Needs `npx tsc --build` first; the docker
// half needs dockerd and `bash scripts/images` (tug-examples/web:1).
// Usage: node bench/heal.mjs [--trials N] [--skip-docker] [--skip-process]
// Prints one JSON line per figure (p50/p99 over N ≥ 20 trials) and the peer/tugboat ratios.
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { benchSwarm } from "./heal/swarm.mjs";
import { ratio } from "./heal/stats.mjs";
import { benchTug } from "./heal/tug.mjs";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const { values } = parseArgs({
  options: {
    trials: { type: "string", default: "20" },
    "skip-docker": { type: "boolean", default: false },
    "skip-process": { type: "boolean", default: false },
  },
});
const trials = Number(values.trials);
if (!Number.isInteger(trials) || trials < 20 || trials > 1000) {
  console.error(`--trials must be an integer from 20 to 1000, got ${values.trials}`);
  process.exit(2);
}

if (!values["skip-process"]) await benchTug("process", trials, repoRoot);
if (!values["skip-docker"]) {
  const tug = await benchTug("docker", trials, repoRoot);
  const swarm = await benchSwarm(trials);
  ratio("container/replica SIGKILL -> serving again (docker driver vs Swarm)", tug.replica, swarm);
}
