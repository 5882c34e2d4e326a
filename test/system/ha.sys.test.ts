/**
 * `--ha` (issue 14): 3 NATS servers, Redis primary + 2 replicas + 3 Sentinels, 2 instances of every component.
 * SIGKILL of the Redis primary while 20 applies are in flight loses no acknowledged apply (WAIT before the ack) and
 * the cluster converges on the new primary; SIGKILL of one NATS server leaves
 * the proxy serving and the cluster converging.
 */
import { fileURLToPath } from "node:url";
import { subjects } from "@tug/contracts";
import { eventually, freePort, startSystem, type TestSystem } from "@tug/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectCount, intake, readyReplicas } from "./helpers.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const slow = { timeoutMs: 90_000, intervalMs: 250 };
const small = (name: string, replicas: number) => ({
  name,
  namespace: "default",
  replicas,
  command: ["sleep", "3600"],
  resources: { cpu: 0.01, memory: "8Mi" },
});
type Acked = { replicas: number; revision: number };

/** Every acknowledged deployment is there at its acknowledged revision and count, with that many ready replicas. */
async function converged(sys: TestSystem, acked: Map<string, Acked>): Promise<void> {
  for (const [id, w] of acked) {
    const d = await sys.store.deployment(id);
    if (!d) throw new Error(`${id} is missing: an acknowledged apply was lost`);
    if (d.replicas !== w.replicas || d.revision !== w.revision) {
      throw new Error(`${id}: replicas ${d.replicas} revision ${d.revision}, acknowledged ${w.replicas}/${w.revision}`);
    }
    expectCount(`${id} ready`, (await readyReplicas(sys.store, id)).length, w.replicas);
  }
}

describe("--ha: no single point of failure (process driver, 2 nodes, 2 per component)", () => {
  let sys: TestSystem;

  beforeAll(async () => {
    sys = await startSystem({ ha: true, nodes: 2, driver: "process", workdir: repoRoot, readyTimeoutMs: 120_000 });
  }, 180_000);
  afterAll(async () => {
    await sys?.stop();
  }, 90_000);

  it("SIGKILL of the Redis primary while 20 applies are in flight: every acknowledged apply survives", async () => {
    expect(sys.cluster.ha).toBeDefined();
    const before = await sys.cluster.redisPrimary();
    expect(before).toMatch(/^redis-[123]$/);
    const acked = new Map<string, Acked>();
    const refused: string[] = [];
    const send = async (i: number) => {
      try {
        const r = await sys.bus.request<Acked>(
          subjects.desired("apply"),
          "desired.apply",
          small(`h-${i}`, 1 + (i % 2)),
          10_000,
        );
        acked.set(`default/h-${i}`, { replicas: r.replicas, revision: r.revision });
      } catch (err) {
        refused.push(`h-${i}: ${(err as { code?: string }).code ?? String(err)}`);
      }
    };
    const inFlight = Array.from({ length: 20 }, (_, i) =>
      new Promise((r) => setTimeout(r, i * 25)).then(() => send(i)),
    );
    await new Promise((r) => setTimeout(r, 120));
    expect(sys.cluster.kill(before!, "SIGKILL")).toBe(true);
    await Promise.all(inFlight);
    console.log(
      `applies around the primary's SIGKILL: ${acked.size} acknowledged, ${refused.length} refused`,
      refused.join(", "),
    );
    await eventually(async () => expect(await sys.cluster.redisPrimary()).not.toBe(before), {
      ...slow,
      what: "a replica promoted",
    });
    // the refused ones, again until acknowledged, now on the new primary
    for (const line of refused) {
      const i = Number(/^h-(\d+)/.exec(line)![1]);
      const r = await intake<Acked>(sys.bus, "apply", small(`h-${i}`, 1 + (i % 2)), 60_000);
      acked.set(`default/h-${i}`, { replicas: r.replicas, revision: r.revision });
    }
    expect(acked.size).toBe(20);
    await eventually(() => converged(sys, acked), { ...slow, what: "every acknowledged apply present and converged" });
    // The old primary's rejoin as a replica is not asserted here: on CI it once stayed out past a minute (issue 14,
    // left open); the acknowledged applies above are what this test guards.
  }, 180_000);

  it("SIGKILL of one NATS server: the proxy keeps serving and the cluster keeps converging", async () => {
    const published = await freePort();
    await intake(
      sys.bus,
      "apply",
      {
        name: "web",
        namespace: "default",
        replicas: 2,
        command: ["node", "examples/web/server.js"],
        ports: [{ name: "http", containerPort: 8080, published }],
        resources: { cpu: 0.05, memory: "32Mi" },
        readinessProbe: { http: { path: "/healthz", port: "http" }, periodSeconds: 0.5, failureThreshold: 2 },
      },
      60_000,
    );
    await eventually(
      async () => expectCount("ready web", (await readyReplicas(sys.store, "default/web")).length, 2),
      slow,
    );
    const get = async () =>
      (await fetch(`http://127.0.0.1:${published}/`, { signal: AbortSignal.timeout(5_000) })).status;
    await eventually(async () => expect(await get()).toBe(200), { ...slow, what: "the proxy serves" });

    const restarts = sys.cluster.components.find((c) => c.name === "nats-1")!.restarts;
    expect(sys.cluster.kill("nats-1", "SIGKILL")).toBe(true);
    const scaled = intake(sys.bus, "scale", { namespace: "default", name: "web", replicas: 3 }, 60_000);
    let ok = 0;
    const failures: string[] = [];
    for (const until = Date.now() + 8_000; Date.now() < until;) {
      try {
        const s = await get();
        if (s === 200) ok++;
        else failures.push(`status ${s}`);
      } catch (err) {
        failures.push((err as Error).message);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log(`proxy after SIGKILL of nats-1: ${ok} ok, ${failures.length} failed`);
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(10);
    await scaled;
    await eventually(async () => expectCount("ready web", (await readyReplicas(sys.store, "default/web")).length, 3), {
      ...slow,
      what: "scaled to 3",
    });
    await eventually(
      () => expect(sys.cluster.components.find((c) => c.name === "nats-1")!.restarts).toBeGreaterThan(restarts),
      slow,
    );
  }, 180_000);
});
