// bench/docker: Tugboat on the docker driver next to Docker Swarm, same run, same image (tug-examples/web:1 → :2)
// and resources. Scenarios: converge 10 and N (default 50) replicas from nothing, a killed container running (and,
// Tugboat only, ready) again, scale 10 → N, rolling replace of N. Needs `npx tsc --build`, dockerd and
// `bash scripts/images`. Usage: node bench/docker.mjs [--big N] [--trials K]
// Prints one JSON line per figure and one ratio line per scenario (tugboat / swarm; goal ≤ 0.5).
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ratio } from "./docker/common.mjs";
import { benchSwarm } from "./docker/swarm.mjs";
import { benchTug } from "./docker/tug.mjs";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const { values } = parseArgs({
  options: { big: { type: "string", default: "50" }, trials: { type: "string", default: "5" } },
});
const big = Number(values.big),
  trials = Number(values.trials);
if (!Number.isInteger(big) || big < 11 || big > 200)
  throw new Error(`--big must be an integer from 11 to 200, got ${values.big}`);
if (!Number.isInteger(trials) || trials < 1 || trials > 10)
  throw new Error(`--trials must be an integer from 1 to 10, got ${values.trials}`);

const tug = await benchTug(repoRoot, { big, trials });
const swarm = await benchSwarm({ big, trials });
// like for like: Tugboat's "all Running" (containers started) against Swarm's "all tasks running"; then Tugboat's
// stricter "all ready" (Swarm has no readiness without a healthcheck) against the same Swarm figure
ratio("converge_10_from_nothing", tug.converge10.running, swarm.converge10);
ratio(`converge_${big}_from_nothing`, tug.convergeBig.running, swarm.convergeBig);
ratio("container_kill_to_running", tug.running, swarm.running);
ratio(`scale_10_to_${big}`, tug.scale.running, swarm.scale);
ratio(
  `rolling_replace_${big} (tugboat: ready, maxUnavailable 0; swarm: running, stop-first)`,
  tug.rolling,
  swarm.rolling,
);
ratio("converge_10_ready (tugboat) vs running (swarm)", tug.converge10.ready, swarm.converge10);
ratio(`converge_${big}_ready (tugboat) vs running (swarm)`, tug.convergeBig.ready, swarm.convergeBig);
ratio("container_kill_to_ready (tugboat) vs running (swarm)", tug.ready, swarm.running);
ratio(`scale_10_to_${big}_ready (tugboat) vs running (swarm)`, tug.scale.ready, swarm.scale);
