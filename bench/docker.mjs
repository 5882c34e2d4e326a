// bench/docker: Tugboat on the docker driver next to Docker Swarm, same run, same image (tug-examples/web:1 → :2)
// and resources. Scenarios: converge 10 and N (default 50) replicas from nothing, a killed container running (and,
// Tugboat only, ready) again, scale 10 → N, rolling replace of N. Needs `npx tsc --build`, dockerd and
// `bash scripts/images`.
// Usage: node bench/docker.mjs [--big N] [--trials K] [--networks bridge,host]
// First the engine's floor (N parallel create+start), then Tugboat once per network (TUG_DOCKER_NETWORK), then Swarm.
// Prints one JSON line per figure and one ratio line per scenario and network (tugboat / swarm; goals from issue 16:
// ≤ 0.8 for converge, kill and scale, ≤ 1.0 for the rolling replace).
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ratio } from "./docker/common.mjs";
import { benchSwarm } from "./docker/swarm.mjs";
import { benchTug } from "./docker/tug.mjs";
import { benchFloor } from "./docker/floor.mjs";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const { values } = parseArgs({
  options: {
    big: { type: "string", default: "50" },
    trials: { type: "string", default: "5" },
    networks: { type: "string", default: "bridge,host" },
  },
});
const big = Number(values.big),
  trials = Number(values.trials);
const networks = values.networks.split(",").filter(Boolean);
if (!Number.isInteger(big) || big < 11 || big > 200)
  throw new Error(`--big must be an integer from 11 to 200, got ${values.big}`);
if (!Number.isInteger(trials) || trials < 1 || trials > 10)
  throw new Error(`--trials must be an integer from 1 to 10, got ${values.trials}`);
if (!networks.length || networks.some((n) => n !== "bridge" && n !== "host"))
  throw new Error(`--networks must list bridge and/or host, got ${values.networks}`);

const floor = await benchFloor({ big });
const tugs = [];
for (const network of networks) tugs.push([network, await benchTug(repoRoot, { big, trials, network })]);
const swarm = await benchSwarm({ big, trials });
for (const [network, tug] of tugs) {
  const n = { network };
  // like for like: Tugboat's "all Running" (containers started) against Swarm's "all tasks running"; then Tugboat's
  // stricter "all ready" (Swarm has no readiness without a healthcheck) against the same Swarm figure
  ratio("converge_10_from_nothing", tug.converge10.running, swarm.converge10, 0.8, n);
  ratio(`converge_${big}_from_nothing`, tug.convergeBig.running, swarm.convergeBig, 0.8, n);
  ratio("container_kill_to_running", tug.running, swarm.running, 0.8, n);
  ratio(`scale_10_to_${big}`, tug.scale.running, swarm.scale, 0.8, n);
  const rolling = `rolling_replace_${big} (tugboat: ready, maxUnavailable 0; swarm: running, stop-first)`;
  ratio(rolling, tug.rolling, swarm.rolling, 1.0, n);
  ratio("converge_10_ready (tugboat) vs running (swarm)", tug.converge10.ready, swarm.converge10, 0.8, n);
  ratio(`converge_${big}_ready (tugboat) vs running (swarm)`, tug.convergeBig.ready, swarm.convergeBig, 0.8, n);
  ratio("container_kill_to_ready (tugboat) vs running (swarm)", tug.ready, swarm.running, 0.8, n);
  ratio(`scale_10_to_${big}_ready (tugboat) vs running (swarm)`, tug.scale.ready, swarm.scale, 0.8, n);
  // how far above the engine's own floor each side converges N
  ratio(`converge_${big} over the engine floor (${network})`, tug.convergeBig.running, floor[network], null, n);
}
ratio(`converge_${big} over the engine floor (swarm: bridge)`, swarm.convergeBig, floor.bridge, null, {});
