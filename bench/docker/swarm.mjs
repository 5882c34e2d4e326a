// Docker Swarm's half of bench/docker, same run, same image and memory (reserved and limited, as Tugboat's requests
// are both; no CPU reservation on either side), defaults untouched (restart delay 5 s, update order stop-first, no
// healthcheck) except --update-parallelism = Tugboat's maxSurge (25 %) and --update-delay 0s. (A Docker healthcheck
// as a readiness stand-in was tried and dropped: 50 exec probes every 500 ms drove the load average past 80 and
// Swarm killed tasks as unhealthy before they listened.) No published ports (nothing sends traffic). Converged = every
// task of the service desired and actually `running` (the API behind `docker service ps`), polled every 100 ms.
// A single-node swarm is created only when none is active, and left (--force) at the end; only our services are
// removed.
import Dockerode from "dockerode";
import { createService, docker, joinSwarm, leaveSwarm, removeService } from "../common/swarm.mjs";
import { figure, surge, timed, until, WORKLOAD } from "./common.mjs";

const cli = (...args) => docker(args);
const engine = new Dockerode({ socketPath: process.env.TUG_DOCKER_SOCKET || "/var/run/docker.sock" });
const LONG = 900_000;

/** Running tasks of `service` (desired and current state running), optionally only those on `image`. */
async function runningTasks(service, image) {
  const tasks = await engine.listTasks({
    filters: JSON.stringify({ service: [service], "desired-state": ["running"] }),
  });
  return tasks.filter(
    (t) => t.Status?.State === "running" && (!image || t.Spec?.ContainerSpec?.Image?.startsWith(image)),
  );
}

async function converged(service, n, image) {
  await until(
    `${service}: ${n} tasks running`,
    async () => (await runningTasks(service, image)).length === n,
    LONG,
    100,
  );
}

async function create(service, n) {
  await createService(service, WORKLOAD.image1, [
    "--replicas",
    String(n),
    "--label",
    "tug.bench=docker",
    "--reserve-memory",
    `${WORKLOAD.memoryMi}M`,
    "--limit-memory",
    `${WORKLOAD.memoryMi}M`,
    "--update-parallelism",
    String(surge(n)),
    "--update-delay",
    "0s",
  ]);
}

const removeAndDrain = (service) => removeService(service, LONG, 250);

/** Runs every scenario on a single-node swarm; returns figures by scenario. */
export async function benchSwarm({ big, trials }) {
  const wasActive = await joinSwarm();
  const small = `tug-bench-docker-small-${process.pid}`;
  const large = `tug-bench-docker-big-${process.pid}`;
  const f = {};
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  const cleanup = async () => {
    for (const s of [small, large]) await cli("service", "rm", s).catch(() => {});
    await leaveSwarm(wasActive);
  };
  process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
  try {
    f.converge10 = figure(
      "swarm",
      "converge_10_from_nothing",
      await timed(async () => {
        await create(small, 10);
        await converged(small, 10);
      }),
      { done_when: "all tasks running" },
    );
    const running = [];
    for (let i = 0; i < trials; i++) {
      await converged(small, 10);
      const victim = (await runningTasks(small))[0].Status.ContainerStatus.ContainerID;
      running.push(
        await timed(async () => {
          await cli("kill", victim);
          await until(
            "a new task running",
            async () => {
              const ts = await runningTasks(small);
              return ts.length === 10 && ts.every((t) => t.Status.ContainerStatus.ContainerID !== victim);
            },
            LONG,
            50,
          );
        }),
      );
    }
    f.running = figure("swarm", "container_kill_to_running", running, {
      replicas: 10,
      note: "defaults: restart delay 5 s; no readiness notion, so no _to_ready figure",
    });
    f.scale = figure(
      "swarm",
      `scale_10_to_${big}`,
      await timed(async () => {
        await cli("service", "scale", "--detach", `${small}=${big}`);
        await converged(small, big);
      }),
      { done_when: "all tasks running" },
    );
    f.rolling = figure(
      "swarm",
      `rolling_replace_${big}`,
      await timed(async () => {
        await cli(
          "service",
          "update",
          "--detach",
          "--no-resolve-image",
          "--image",
          WORKLOAD.image2,
          "--update-parallelism",
          String(surge(big)),
          "--update-delay",
          "0s",
          small,
        );
        await converged(small, big, WORKLOAD.image2);
        await until(
          "update completed",
          async () => (await cli("service", "inspect", "--format", "{{.UpdateStatus.State}}", small)) === "completed",
          LONG,
          100,
        );
      }),
      {
        update_parallelism: surge(big),
        order: "stop-first (default)",
        done_when: `all ${big} tasks running on web:2, update completed`,
      },
    );
    await removeAndDrain(small);
    f.convergeBig = figure(
      "swarm",
      `converge_${big}_from_nothing`,
      await timed(async () => {
        await create(large, big);
        await converged(large, big);
      }),
      { done_when: "all tasks running" },
    );
    await removeAndDrain(large);
    return f;
  } finally {
    process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
    await cleanup();
  }
}
