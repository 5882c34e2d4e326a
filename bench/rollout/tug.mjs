// Tugboat's half of bench/rollout: a local cluster (docker or process driver), N replicas of the example web app
// published through the proxy, then a template change rolled out (maxSurge 25 %, maxUnavailable 0) under load.
// Time = from the apply until the new revision is the last good one with N ready replicas and no old one left.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startLocalCluster } from "../../libs/cluster/dist/index.js";
import { Bus } from "../../libs/bus/dist/index.js";
import { subjects } from "../../libs/contracts/dist/index.js";
import { silentLogger } from "../../libs/log/dist/index.js";
import { RedisStore } from "../../libs/state/dist/index.js";
import { sweep } from "../docker/tug.mjs";
import { until, underLoad } from "./common.mjs";

const ID = "default/roll";

function manifest(driver, replicas, port, version, surge) {
  const m = {
    kind: "Deployment", name: "roll", replicas, ports: [{ name: "http", containerPort: 8080, published: port }],
    // no CPU request (it would be a hard quota that starves Node.js start-up); memory as on the Swarm side
    resources: { cpu: 0, memory: "64Mi" }, terminationGracePeriodSeconds: 10,
    readinessProbe: { http: { path: "/healthz", port: "http" }, periodSeconds: 0.5, failureThreshold: 2 },
    // autoRollback off: the bench times the rolling update itself; on a host this busy a container can take 20+ s to
    // answer its first probe, which the unready-replica rule would otherwise take for a failing version.
    strategy: { maxSurge: surge, maxUnavailable: 0, progressDeadlineSeconds: 600, autoRollback: false },
  };
  return driver === "docker" ? { ...m, image: `tug-examples/web:${version}` } : { ...m, command: ["node", "examples/web/server.js"], env: { VERSION: String(version) } };
}

async function intake(bus, verb, body) {
  const r = await bus.request(subjects.desired(verb), `desired.${verb}`, body, 30_000);
  if (!r?.ok) throw new Error(`${verb}: ${JSON.stringify(r)}`);
  return r;
}

/** Rolls `replicas` from version 1 to 2 (`surge` at a time) under `rps` load; returns { seconds, load }. Stops everything it started. */
export async function benchTug(driver, replicas, rps, surge, repoRoot) {
  const dataDir = mkdtempSync(join(tmpdir(), "tug-bench-rollout-"));
  const prefix = `benchroll${process.pid}`;
  const port = await freePort();
  const cluster = await startLocalCluster({ nodes: 2, driver, dataDir, prefix, natsPort: 0, redisPort: 0, apiPort: 0, dnsPort: 0, portsFrom: 26_000, workdir: repoRoot, logLevel: "warn", readyTimeoutMs: 180_000 });
  const store = new RedisStore({ url: cluster.redisUrl, prefix });
  await store.ready();
  const bus = await Bus.connect({ url: cluster.natsUrl, name: "bench-rollout", log: silentLogger() });
  // Ctrl-C: stop the cluster (its workers stop their containers) and sweep what is left before exiting
  const onSignal = () => void cluster.stop().finally(() => { sweep(prefix, dataDir); process.exit(130); });
  process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
  const settled = async (revision) => {
    const [dep, rs] = [await store.deployment(ID), await store.replicasOfDeployment(ID)];
    if (dep && dep.revision !== revision) throw new Error(`bench/rollout: revision ${revision} did not roll out: ${JSON.stringify(dep.condition)}`);
    return dep?.lastGoodRevision === revision && rs.length === replicas && rs.every((r) => r.desired === "run" && r.ready);
  };
  try {
    await intake(bus, "apply", manifest(driver, replicas, port, 1, surge));
    await until(`${replicas} ready`, () => settled(1), 600_000, 250);
    await until("proxy serving", async () => (await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined))?.ok, 60_000, 200);
    return await underLoad(port, rps, async () => {
      const t0 = Date.now();
      const r = await intake(bus, "apply", manifest(driver, replicas, port, 2, surge));
      await until(`revision ${r.revision} rolled out`, () => settled(r.revision), 900_000, 100);
      return (Date.now() - t0) / 1000;
    });
  } finally {
    process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
    await bus.close().catch(() => {});
    await store.close().catch(() => {});
    await cluster.stop();
    sweep(prefix, dataDir);
  }
}
