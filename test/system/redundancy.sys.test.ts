/**
 * Redundant control plane (2 instances of every role): Redis SIGKILLed mid-apply loses no acknowledged deployment;
 * a NATS restart converges again; a SIGKILLed controller fails over to the other within 2 s; and workloads keep
 * serving through the proxy while the whole control plane is SIGSTOPped for 30 s.
 */
import { fileURLToPath } from "node:url";
import { subjects } from "@tug/contracts";
import { eventually, exampleWebManifest, freePort, startSystem, type TestSystem } from "@tug/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectCount, intake, readyReplicas } from "./helpers.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const slow = { timeoutMs: 90_000, intervalMs: 250 };
const small = (name: string, replicas: number, env: Record<string, string> = {}) => ({
  name,
  namespace: "default",
  replicas,
  command: ["sleep", "infinity"],
  env,
  resources: { cpu: 0.01, memory: "8Mi" },
});

/** Every deployment in `want` has exactly its count of Running, ready replicas at its revision, and nothing else. */
async function converged(sys: TestSystem, want: Map<string, { replicas: number; revision: number }>): Promise<void> {
  for (const [id, w] of want) {
    const d = await sys.store.deployment(id);
    if (!d) throw new Error(`${id} missing`);
    if (d.replicas !== w.replicas || d.revision !== w.revision)
      throw new Error(`${id}: replicas ${d.replicas} revision ${d.revision}, acknowledged ${w.replicas}/${w.revision}`);
    const all = await sys.store.replicasOfDeployment(id);
    expectCount(
      `${id} ready at revision ${w.revision}`,
      all.filter((r) => r.ready && r.phase === "Running" && r.revision === w.revision).length,
      w.replicas,
    );
    expectCount(`${id} records`, all.length, w.replicas);
  }
}

describe("redundant control plane (fake driver, 2 per component)", () => {
  let sys: TestSystem;
  const acked = new Map<string, { replicas: number; revision: number }>();

  beforeAll(async () => {
    sys = await startSystem({ nodes: 3, driver: "fake", replicasPerComponent: 2, readyTimeoutMs: 120_000 });
  }, 180_000);
  afterAll(async () => {
    await sys?.stop();
  }, 90_000);

  it("SIGKILL of Redis mid-apply loses no acknowledged deployment", async () => {
    for (let i = 0; i < 24; i++) {
      if (i === 8) expect(sys.cluster.kill("redis", "SIGKILL")).toBe(true);
      const r = await intake<{ revision: number; replicas: number }>(
        sys.bus,
        "apply",
        small(`r-${i}`, 1 + (i % 3)),
        60_000,
      );
      acked.set(`default/r-${i}`, { replicas: r.replicas, revision: r.revision });
      if (i === 16) expect(sys.cluster.kill("redis", "SIGKILL")).toBe(true);
    }
    await eventually(
      () => expect(sys.cluster.components.find((c) => c.name === "redis")!.restarts).toBeGreaterThanOrEqual(2),
      { ...slow, what: "redis restarted twice" },
    );
    await eventually(() => converged(sys, acked), {
      ...slow,
      what: "every acknowledged deployment present and converged",
    });
  }, 180_000);

  it("NATS restart: every process reconnects and everything converges again", async () => {
    expect(sys.cluster.kill("nats", "SIGKILL")).toBe(true);
    for (let i = 0; i < 6; i++) {
      const r = await intake<{ revision: number; replicas: number }>(
        sys.bus,
        "scale",
        { namespace: "default", name: `r-${i}`, replicas: 4 },
        60_000,
      );
      acked.set(`default/r-${i}`, { replicas: r.replicas, revision: r.revision });
    }
    await eventually(() => converged(sys, acked), { ...slow, what: "converged after the NATS restart" });
  }, 150_000);

  it("a SIGKILLed controller: the other keeps serving intake, failover ≤ 2 s", async () => {
    const victim = sys.cluster.components.find((c) => c.name === "controller-1")!;
    expect(victim.running).toBe(true);
    const killedAt = Date.now();
    sys.cluster.kill("controller-1", "SIGKILL");
    let failoverMs = NaN;
    for (let attempt = 0; attempt < 100 && Number.isNaN(failoverMs); attempt++) {
      try {
        await sys.bus.request(
          subjects.desired("apply"),
          "desired.apply",
          small("failover", 1, { ATTEMPT: String(attempt) }),
          500,
        );
        failoverMs = Date.now() - killedAt;
      } catch {
        // the request went to the dead instance; try again
      }
    }
    console.log(`controller failover: ${failoverMs} ms from SIGKILL to the next successful apply`);
    expect(failoverMs).toBeLessThanOrEqual(2_000);
  }, 60_000);
});

describe("static stability: the proxy serves while the control plane is SIGSTOPped (process driver)", () => {
  let sys: TestSystem;
  const stopped: string[] = [];
  let published = 0;

  beforeAll(async () => {
    sys = await startSystem({
      nodes: 2,
      driver: "process",
      replicasPerComponent: 2,
      workdir: repoRoot,
      readyTimeoutMs: 120_000,
    });
    published = await freePort();
  }, 180_000);
  afterAll(async () => {
    for (const n of stopped) sys?.cluster.kill(n, "SIGCONT");
    await sys?.stop();
  }, 90_000);

  it("every request through the published port succeeds during a 30 s control-plane outage", async () => {
    await intake(
      sys.bus,
      "apply",
      exampleWebManifest(3, { ports: [{ name: "http", containerPort: 8080, published }] }),
    );
    await eventually(
      async () => expectCount("ready web replicas", (await readyReplicas(sys.store, "default/web")).length, 3),
      { ...slow, what: "3 ready" },
    );
    const get = async () =>
      (await fetch(`http://127.0.0.1:${published}/`, { signal: AbortSignal.timeout(2_000) })).status;
    await eventually(async () => expect(await get()).toBe(200), { ...slow, what: "proxy serves" });

    for (const c of sys.cluster.components) {
      if (
        ["controller", "scheduler", "health-monitor", "autoscaler", "registry"].includes(c.role) &&
        sys.cluster.kill(c.name, "SIGSTOP")
      )
        stopped.push(c.name);
    }
    expect(stopped.length).toBe(10);
    let ok = 0;
    const failures: string[] = [];
    const until = Date.now() + 30_000;
    while (Date.now() < until) {
      try {
        const s = await get();
        if (s === 200) ok++;
        else failures.push(`status ${s}`);
      } catch (err) {
        failures.push(String((err as Error).message));
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const n of stopped.splice(0)) sys.cluster.kill(n, "SIGCONT");
    console.log(`proxy during a 30 s control-plane outage: ${ok} ok, ${failures.length} failed`);
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(50);
    await new Promise((r) => setTimeout(r, 3_000));
    expectCount("ready web replicas after SIGCONT", (await readyReplicas(sys.store, "default/web")).length, 3);
  }, 180_000);
});
