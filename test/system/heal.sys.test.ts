/**
 * Self-healing on the process driver, whole cluster: a crash loop backs off visibly; readiness flapping takes a
 * replica out of the endpoints and back; `tug chaos kill-node` (3 nodes, 9 replicas) → 9 ready on the 2 live nodes;
 * `tug chaos pause-node` for 10 s → never more ready than desired + maxSurge, and the stale copies are stopped.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { releaseHold } from "@tug/cluster";
import type { ReplicaRecord } from "@tug/contracts";
import { eventually, startSystem, type TestSystem } from "@tug/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeDeployment } from "../../cli/src/commands/describe.js";
import { run as tug } from "../../cli/src/program.js";
import type { DeploymentDetail } from "../../cli/src/api-types.js";
import { expectCount, intake, isAlive, readyReplicas, replicaPids, webManifest } from "./helpers.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const slow = { timeoutMs: 60_000, intervalMs: 250 };
const web = (replicas: number) => webManifest(replicas);

async function endpoints(sys: TestSystem, name: string): Promise<Array<{ replica: string; ready: boolean }>> {
  const res = await fetch(`${sys.cluster.apiUrl}/v1/services/default/${name}`);
  return ((await res.json()) as { endpoints: Array<{ replica: string; ready: boolean }> }).endpoints.filter(
    (e) => e.ready,
  );
}

describe("self-healing, process driver", () => {
  let sys: TestSystem;
  let scratch: string;
  const seenPids = new Set<number>();

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), "tug-heal-"));
    sys = await startSystem({ nodes: 3, driver: "process", workdir: repoRoot });
  }, 90_000);
  afterAll(async () => {
    for (const c of sys?.cluster.components ?? []) if (c.pid) seenPids.add(c.pid);
    for (const pid of sys ? replicaPids(sys.cluster).values() : []) seenPids.add(pid);
    await sys?.stop();
    rmSync(scratch, { recursive: true, force: true });
    for (const pid of seenPids) expect(isAlive(pid), `pid ${pid} still running`).toBe(false);
  }, 60_000);

  it("backs off a crash loop: CrashLoopBackOff, growing gaps, restarts counted, last exit code 1", async () => {
    await intake(sys.bus, "apply", {
      kind: "Deployment",
      name: "crash",
      replicas: 1,
      command: ["node", "-e", "process.exit(1)"],
      resources: { cpu: 0.01, memory: "16Mi" },
    });
    const firstSeen = new Map<number, number>();
    let backoffSeen = false;
    const r = await eventually(
      async () => {
        const [x] = await sys.store.replicasOfDeployment("default/crash");
        if (x && !firstSeen.has(x.restarts)) firstSeen.set(x.restarts, Date.now());
        if (x?.phase === "CrashLoopBackOff") backoffSeen = true;
        if (!x || x.restarts < 6) throw new Error(`restarts ${x?.restarts ?? "-"}, want ≥ 6`);
        return x;
      },
      { timeoutMs: 60_000, intervalMs: 50, what: "6 restarts" },
    );
    expect(backoffSeen).toBe(true);
    expect(r.lastExit?.code).toBe(1);
    expect(r.lastExit?.reason).toBe("Error");
    // backoff 0, 250, 500, 1000, 2000 ms…: the 5th→6th restart waits ≥ 1.5 s longer than the 3rd→4th
    const seen = (n: number) =>
      [...firstSeen]
        .filter(([k]) => k >= n)
        .map(([, t]) => t)
        .sort((a, b) => a - b)[0]!;
    const early = seen(4) - seen(3);
    const late = seen(6) - seen(5);
    expect(late, `gaps ${early} ms then ${late} ms`).toBeGreaterThan(early + 1_000);
    const detail = (await (
      await fetch(`${sys.cluster.apiUrl}/v1/deployments/default/crash`)
    ).json()) as DeploymentDetail;
    const text = describeDeployment(detail);
    expect(text).toMatch(/Restarts:/);
    expect(text).toMatch(new RegExp(`${r.id}\\s+\\d+\\s+1\\s+Error`));
    await intake(sys.bus, "delete", { namespace: "default", name: "crash" });
  }, 90_000);

  it("takes a replica whose readiness flaps out of the endpoints and back, without restarting it", async () => {
    const flag = join(scratch, "down");
    await intake(sys.bus, "apply", {
      kind: "Deployment",
      name: "flap",
      replicas: 2,
      command: ["node", "test/system/fixtures/flap-server.mjs"],
      env: { FLAG_FILE: flag },
      ports: [{ name: "http", containerPort: 8080 }],
      resources: { cpu: 0.02, memory: "16Mi" },
      readinessProbe: {
        http: { path: "/healthz", port: "http" },
        periodSeconds: 0.2,
        failureThreshold: 1,
        successThreshold: 1,
      },
    });
    await eventually(async () => expectCount("flap endpoints", (await endpoints(sys, "flap")).length, 2), {
      ...slow,
      what: "2 endpoints",
    });
    for (let round = 1; round <= 2; round++) {
      writeFileSync(flag, "down");
      await eventually(
        async () => expectCount("flap endpoints while /healthz fails", (await endpoints(sys, "flap")).length, 0),
        { ...slow, what: `round ${round}: endpoints gone` },
      );
      rmSync(flag);
      await eventually(
        async () => expectCount("flap endpoints after recovery", (await endpoints(sys, "flap")).length, 2),
        { ...slow, what: `round ${round}: endpoints back` },
      );
    }
    const reps = await sys.store.replicasOfDeployment("default/flap");
    expect(reps.map((r) => r.restarts)).toEqual([0, 0]);
    await intake(sys.bus, "delete", { namespace: "default", name: "flap" });
  }, 120_000);

  it("replaces the replicas of a killed node on the 2 live nodes (tug chaos kill-node)", async () => {
    await intake(sys.bus, "apply", web(9));
    await eventually(async () => expectCount("ready web", (await readyReplicas(sys.store, "default/web")).length, 9), {
      ...slow,
      what: "9 ready",
    });
    for (const pid of sys ? replicaPids(sys.cluster).values() : []) seenPids.add(pid);
    const onNode2 = (await readyReplicas(sys.store, "default/web"))
      .filter((r) => r.node === "node-2")
      .map((r) => replicaPids(sys.cluster).get(r.id)!);
    expect(await tug(["node", "tug", "chaos", "--data-dir", sys.dataDir, "kill-node", "node-2", "--down", "120"])).toBe(
      0,
    );
    try {
      await eventually(
        async () => {
          const ready = await readyReplicas(sys.store, "default/web");
          expectCount("ready web", ready.length, 9);
          expectCount("ready web on the dead node", ready.filter((r) => r.node === "node-2").length, 0);
          const all = await sys.store.replicasOfDeployment("default/web");
          expectCount(
            "replicas meant to run on the dead node",
            all.filter((r) => r.node === "node-2" && r.desired === "run").length,
            0,
          );
        },
        { ...slow, what: "9 ready on node-1 and node-3" },
      );
      for (const pid of onNode2) expect(isAlive(pid), `replica pid ${pid} of node-2`).toBe(false);
    } finally {
      releaseHold(sys.dataDir, "worker-node-2");
    }
    await eventually(
      async () => {
        if ((await sys.store.node("node-2"))?.status !== "Ready") throw new Error("node-2 not back");
      },
      { ...slow, what: "node-2 back" },
    );
  }, 120_000);

  it("pause-node 10 s: never more ready than desired + maxSurge, and the stale copies stop after it resumes", async () => {
    const node = "node-1";
    const before = await readyReplicas(sys.store, "default/web");
    const pids = replicaPids(sys.cluster);
    const stale = before
      .filter((r) => r.node === node)
      .map((r) => pids.get(r.id)!)
      .filter(Boolean);
    expect(stale.length).toBeGreaterThan(0);
    stale.forEach((p) => seenPids.add(p));
    let maxReady = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const reps: ReplicaRecord[] = await sys.store.replicasOfDeployment("default/web");
        maxReady = Math.max(maxReady, reps.filter((r) => r.ready).length);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    try {
      expect(await tug(["node", "tug", "chaos", "--data-dir", sys.dataDir, "pause-node", node, "10"])).toBe(0);
      await eventually(
        () => {
          const alive = stale.filter(isAlive);
          if (alive.length) throw new Error(`stale pids alive: ${alive.join(", ")}`);
        },
        { ...slow, what: "stale copies stopped" },
      );
      await eventually(
        async () => expectCount("ready web", (await readyReplicas(sys.store, "default/web")).length, 9),
        { ...slow, what: "9 ready again" },
      );
    } finally {
      sampling = false;
      await sampler;
    }
    expect(maxReady, "ready replicas at most desired 9 + maxSurge 3").toBeLessThanOrEqual(12);
    for (const pid of sys ? replicaPids(sys.cluster).values() : []) seenPids.add(pid);
  }, 120_000);
});
