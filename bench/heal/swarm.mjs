// Docker Swarm's figure in the same run: single-node swarm, one service of tug-examples/web:1 published on a
// loopback-reachable port (host mode), defaults untouched (restart delay 5 s). Container SIGKILL → a task running again
// and answering on 127.0.0.1:<published>. A single-node swarm has no node-kill equivalent, so only this figure.
import { freePort } from "../../libs/cluster/dist/index.js";
import { until } from "../common/poll.mjs";
import { createService, docker, joinSwarm, leaveSwarm, runningContainers } from "../common/swarm.mjs";
import { figure } from "./stats.mjs";

async function answers(port) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(500) });
    return res.ok;
  } catch {
    return false;
  }
}

/** Runs `trials` container kills; returns the figure line. Leaves the swarm it created (only that one). */
export async function benchSwarm(trials) {
  const wasActive = await joinSwarm();
  const name = `tug-bench-swarm-${process.pid}`;
  const port = await freePort();
  try {
    await createService(name, "tug-examples/web:1", [
      "--replicas",
      "1",
      "--label",
      "tug.bench=heal",
      // host-mode publishing: the ingress routing mesh does not answer on loopback in every environment
      // (it did not here)
      "--publish",
      `mode=host,published=${port},target=8080`,
    ]);
    const running = () => runningContainers(name);
    const ms = [];
    for (let i = 0; i < trials; i++) {
      const [victim] = await until(
        "swarm task running and answering",
        async () => {
          const c = await running();
          return c.length === 1 && (await answers(port)) ? c : undefined;
        },
        120_000,
        100,
      );
      const t0 = Date.now();
      await docker(["kill", victim], 60_000);
      await until(
        "swarm task running again",
        async () => {
          const c = await running();
          return c.some((id) => id !== victim) && (await answers(port));
        },
        120_000,
        50,
      );
      ms.push(Date.now() - t0);
    }
    return figure("docker-swarm", "docker", "container_sigkill_to_running", ms, {
      note: "defaults (restart delay 5s); single-node swarm: no node-kill figure",
    });
  } finally {
    await docker(["service", "rm", name], 60_000).catch(() => {});
    await leaveSwarm(wasActive);
  }
}
