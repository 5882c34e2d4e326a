// Tugboat's half of bench/rollout: a local cluster (docker or process driver), N replicas of the example web app
// published through the proxy, then a template change rolled out (maxSurge 25 %, maxUnavailable 0) under load.
// Time = from the apply until the new revision is the last good one with N ready replicas and no old one left.
import { freePort } from "../../libs/cluster/dist/index.js";
import { startBenchCluster } from "../common/cluster.mjs";
import { until } from "../common/poll.mjs";
import { underLoad } from "./common.mjs";

const ID = "default/roll";

function manifest(driver, replicas, port, version, surge) {
  const m = {
    kind: "Deployment",
    name: "roll",
    replicas,
    ports: [{ name: "http", containerPort: 8080, published: port }],
    // no CPU request (it would be a hard quota that starves Node.js start-up); memory as on the Swarm side
    resources: { cpu: 0, memory: "64Mi" },
    terminationGracePeriodSeconds: 10,
    // a new replica is probed after 100, 200, 400 ms… until its first pass, so the period only paces later checks;
    // 0.5 s with a 1 s timeout made replicas flap unready while the engine saturates the host during the rollout
    readinessProbe: {
      http: { path: "/healthz", port: "http" },
      periodSeconds: 2,
      timeoutSeconds: 2,
      failureThreshold: 3,
    },
    // autoRollback off: the bench times the rolling update itself; on a host this busy a container can take 20+ s to
    // answer its first probe, which the unready-replica rule would otherwise take for a failing version.
    strategy: { maxSurge: surge, maxUnavailable: 0, progressDeadlineSeconds: 600, autoRollback: false },
  };
  return driver === "docker"
    ? { ...m, image: `tug-examples/web:${version}` }
    : { ...m, command: ["node", "examples/web/server.js"], env: { VERSION: String(version) } };
}

/**
 * Rolls `replicas` from version 1 to 2 (`surge` at a time) under `rps` load, the containers on `network`; returns
 * { seconds, load }. Stops everything it started.
 */
export async function benchTug(driver, replicas, rps, surge, repoRoot, network = "bridge") {
  const port = await freePort();
  const env = { TUG_DOCKER_NETWORK: network };
  const b = await startBenchCluster({ name: "roll", nodes: 2, driver, portsFrom: 26_000, repoRoot, env });
  const settled = async (revision) => {
    const [dep, rs] = [await b.store.deployment(ID), await b.store.replicasOfDeployment(ID)];
    if (dep && dep.revision !== revision)
      throw new Error(`bench/rollout: revision ${revision} did not roll out: ${JSON.stringify(dep.condition)}`);
    return (
      dep?.lastGoodRevision === revision && rs.length === replicas && rs.every((r) => r.desired === "run" && r.ready)
    );
  };
  try {
    await b.intake("apply", manifest(driver, replicas, port, 1, surge));
    await until(`${replicas} ready`, () => settled(1), 600_000, 250);
    await until(
      "proxy serving",
      async () => (await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined))?.ok,
      60_000,
      200,
    );
    return await underLoad(port, rps, async () => {
      const t0 = Date.now();
      const r = await b.intake("apply", manifest(driver, replicas, port, 2, surge));
      await until(`revision ${r.revision} rolled out`, () => settled(r.revision), 900_000, 100);
      return (Date.now() - t0) / 1000;
    });
  } finally {
    await b.close();
  }
}
