// Tugboat's two heal figures on one driver: replica SIGKILL → ready again, worker SIGKILL → its replicas ready
// elsewhere. A whole local cluster (default timings) on free loopback ports and a temp data dir; everything is stopped
// at the end.
import { killNode, killReplica, readClusterFile, releaseHold } from "../../libs/cluster/dist/index.js";
import { startBenchCluster } from "../common/cluster.mjs";
import { until } from "../common/poll.mjs";
import { figure } from "./stats.mjs";

const ID = "default/heal";

function manifest(driver, replicas) {
  const m = {
    // no CPU request: on the docker driver it is a hard quota, and the Swarm side runs without one
    kind: "Deployment",
    name: "heal",
    replicas,
    ports: [{ name: "http", containerPort: 8080 }],
    resources: { cpu: 0, memory: "64Mi" },
    readinessProbe: { http: { path: "/healthz", port: "http" }, periodSeconds: 0.25, failureThreshold: 2 },
  };
  return driver === "docker"
    ? { ...m, image: "tug-examples/web:1" }
    : { ...m, command: ["node", "examples/web/server.js"] };
}

const readyRun = async (store) =>
  (await store.replicasOfDeployment(ID)).filter((r) => r.desired === "run" && r.ready && r.phase === "Running");

/** Runs both figures on `driver` with `trials` each; returns { replica, node } figure lines. */
export async function benchTug(driver, trials, repoRoot) {
  const bench = await startBenchCluster({ name: "heal", nodes: 3, driver, portsFrom: 28_000, repoRoot });
  const { store, dataDir, intake } = bench;
  try {
    // replica kill: a distinct replica each trial, so each is a first crash (the worker backs off repeated ones)
    await intake("apply", manifest(driver, trials));
    await until(`${trials} ready`, async () => (await readyRun(store)).length === trials, 180_000, 200);
    const replicaMs = [];
    for (const victim of (await readyRun(store)).slice(0, trials)) {
      await until("all ready", async () => (await readyRun(store)).length === trials, 60_000);
      const t0 = Date.now();
      await killReplica(readClusterFile(dataDir), victim.id);
      await until(`${victim.id} ready again`, async () => {
        const r = await store.replica(victim.id);
        return r?.ready && (r.readySince ?? 0) > t0;
      });
      replicaMs.push(Date.now() - t0);
    }
    const replica = figure("tugboat", driver, "replica_sigkill_to_ready", replicaMs, {
      goal_p99_ms: driver === "process" ? 1_000 : undefined,
    });

    // worker kill: 9 replicas on 3 nodes; kill a node holding replicas, wait until all 9 are ready on the others
    await intake("scale", { namespace: "default", name: "heal", replicas: 9 });
    const nodeMs = [];
    for (let i = 0; i < trials; i++) {
      const ready = await until(
        "9 ready, 3 nodes up",
        async () => {
          const [rs, nodes] = [await readyRun(store), await store.nodes()];
          return rs.length === 9 &&
            nodes.every((n) => n.status === "Ready") &&
            (await store.replicas()).every((r) => r.deployment !== ID || r.desired === "run")
            ? rs
            : undefined;
        },
        120_000,
        100,
      );
      const counts = new Map();
      for (const r of ready) counts.set(r.node, (counts.get(r.node) ?? 0) + 1);
      const node = [...counts].sort((a, b) => b[1] - a[1])[0][0];
      const t0 = Date.now();
      await killNode(readClusterFile(dataDir), node, 600_000); // re-read: the restarted worker has a new pid
      await until(
        `replicas of ${node} ready elsewhere`,
        async () => (await readyRun(store)).filter((r) => r.node !== node).length === 9,
        60_000,
      );
      nodeMs.push(Date.now() - t0);
      releaseHold(dataDir, `worker-${node}`);
    }
    const node = figure("tugboat", driver, "worker_sigkill_to_replicas_ready_elsewhere", nodeMs, {
      replicas_on_victim: "3-5 of 9",
      goal_p99_ms: driver === "process" ? 5_000 : undefined,
    });
    await intake("delete", { namespace: "default", name: "heal" });
    return { replica, node };
  } finally {
    await bench.close();
  }
}
