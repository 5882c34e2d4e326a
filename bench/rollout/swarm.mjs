// Docker Swarm's half of bench/rollout, in the same run: a single-node swarm (created here and left again only when
// it was not active before), a service of N tug-examples/web:1 tasks published on a port the load reaches on
// 127.0.0.1, 64 MiB of memory reserved and limited as on the Tugboat side, no healthcheck (Swarm's default); then
// `docker service update --image tug-examples/web:2 --update-order start-first --update-parallelism P
// --update-delay 0s --detach=false` under the same load. Other update settings are Swarm's defaults.
// A Docker healthcheck as the readiness stand-in (GET /healthz through nc every 500 ms, 60 s start period) was tried
// and dropped: 50 exec probes every 500 ms saturate this 2-core machine (6 of 50 tasks healthy after 6 minutes).
import { freePort } from "../../libs/cluster/dist/index.js";
import { until } from "../common/poll.mjs";
import { createService, docker, joinSwarm, leaveSwarm, removeService, runningContainers } from "../common/swarm.mjs";
import { underLoad } from "./common.mjs";

/** Rolls `replicas` tasks from :1 to :2 under `rps` load with `parallelism`; returns { seconds, load }. */
export async function benchSwarm(replicas, parallelism, rps) {
  const wasActive = await joinSwarm();
  const name = `tug-bench-rollout-${process.pid}`;
  const port = await freePort();
  const cleanup = async () => {
    await removeService(name, 120_000, 500).catch(() => {});
    await leaveSwarm(wasActive);
  };
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
  try {
    await createService(name, "tug-examples/web:1", [
      "--replicas",
      String(replicas),
      "--label",
      "tug.bench=rollout",
      "--container-label",
      "tug.bench=rollout",
      "--publish",
      `published=${port},target=8080`,
      "--reserve-memory",
      "64M",
      "--limit-memory",
      "64M",
    ]);
    const running = async () => (await runningContainers(name)).length;
    await until(`${replicas} running swarm tasks`, async () => (await running()) >= replicas, 900_000, 1_000);
    const update = async () => {
      const t0 = Date.now();
      await docker(
        [
          "service",
          "update",
          "--detach=false",
          "--no-resolve-image",
          "--image",
          "tug-examples/web:2",
          "--update-order",
          "start-first",
          "--update-parallelism",
          String(parallelism),
          "--update-delay",
          "0s",
          name,
        ],
        1_800_000,
      );
      return (Date.now() - t0) / 1000;
    };
    const serving = await until(
      "swarm port serving",
      async () => (await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined))?.ok,
      30_000,
      200,
    ).catch(() => false);
    // the ingress routing mesh does not answer on loopback everywhere (it did not on the machine of
    // docs/benchmarks.md), and host-mode publishing gives one task per port: then the update is timed without load
    if (!serving)
      return {
        seconds: await update(),
        load: null,
        note: "ingress port not answering on 127.0.0.1: timed without load",
      };
    return await underLoad(port, rps, update);
  } finally {
    process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
    await cleanup();
  }
}
