// Docker Swarm's half of bench/rollout, in the same run: a single-node swarm (created here and left again only when
// it was not active before), a service of N tug-examples/web:1 tasks published on a port the load reaches on
// 127.0.0.1, with a health check equivalent to Tugboat's readiness probe (GET /healthz every 0.5 s, 2 retries, 60 s
// start period), 64 MiB of memory reserved and limited as on the Tugboat side;
// then `docker service update --image tug-examples/web:2 --update-order start-first --update-parallelism P
// --update-delay 0s --detach=false` under the same load. Other update settings are Swarm's defaults.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { freePort } from "../../libs/cluster/dist/index.js";
import { until, underLoad } from "./common.mjs";

const run = promisify(execFile);
const docker = async (args, timeout = 120_000) => (await run("docker", args, { timeout, maxBuffer: 16 << 20 })).stdout.trim();
const HEALTH = "printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' | nc 127.0.0.1 8080 | busybox grep -q ' 200 '";

/** Rolls `replicas` tasks from :1 to :2 under `rps` load with `parallelism`; returns { seconds, load }. */
export async function benchSwarm(replicas, parallelism, rps) {
  const wasActive = (await docker(["info", "--format", "{{.Swarm.LocalNodeState}}"])) === "active";
  if (!wasActive) await docker(["swarm", "init", "--advertise-addr", "127.0.0.1"]);
  const name = `tug-bench-rollout-${process.pid}`;
  const port = await freePort();
  try {
    await docker(["service", "create", "--detach", "--no-resolve-image", "--name", name, "--replicas", String(replicas), "--label", "tug.bench=rollout",
      "--container-label", "tug.bench=rollout", "--publish", `published=${port},target=8080`,
      "--reserve-memory", "64M", "--limit-memory", "64M",
      "--health-cmd", HEALTH, "--health-interval", "500ms", "--health-retries", "2", "--health-timeout", "2s",
      // Swarm kills an unhealthy task (a readiness probe only withholds traffic): failures while the app starts must
      // not count, or on a busy host every task is killed before node listens (seen at load average 80).
      "--health-start-period", "60s", "tug-examples/web:1"]);
    const healthy = async () => (await docker(["ps", "-q", "--filter", `label=com.docker.swarm.service.name=${name}`, "--filter", "health=healthy"])).split("\n").filter(Boolean).length;
    await until(`${replicas} healthy swarm tasks`, async () => (await healthy()) >= replicas, 900_000, 1_000);
    await until("swarm port serving", async () => (await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined))?.ok, 60_000, 200);
    return await underLoad(port, rps, async () => {
      const t0 = Date.now();
      await docker(["service", "update", "--detach=false", "--no-resolve-image", "--image", "tug-examples/web:2", "--update-order", "start-first",
        "--update-parallelism", String(parallelism), "--update-delay", "0s", name], 1_800_000);
      return (Date.now() - t0) / 1000;
    });
  } finally {
    await docker(["service", "rm", name]).catch(() => {});
    await until("swarm tasks gone", async () => (await docker(["ps", "-aq", "--filter", `label=com.docker.swarm.service.name=${name}`])) === "", 120_000, 500).catch(() => {});
    if (!wasActive) await docker(["swarm", "leave", "--force"]).catch(() => {});
  }
}
