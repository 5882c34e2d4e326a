/**
 * The whole system on loopback: nats, redis, every control-plane process and 3 workers as child processes.
 * Process driver: the example web app end to end (apply, endpoints, replica crash, scale, delete).
 * Fake driver: controller and scheduler SIGKILLed while 20 deployments are applied; all converge, no duplicates.
 */
import { fileURLToPath } from "node:url";
import { startSystem, type TestSystem, eventually } from "@tug/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectCount, intake, isAlive, readyReplicas, replicaPids, webManifest } from "./helpers.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const WEB = "default/web";
const web = (replicas: number) => webManifest(replicas);

const slow = { timeoutMs: 60_000, intervalMs: 250 };

describe("local cluster, process driver", () => {
  let sys: TestSystem;
  const seenPids = new Set<number>();
  const componentPids = new Set<number>();

  beforeAll(async () => {
    sys = await startSystem({ nodes: 3, driver: "process", workdir: repoRoot });
  }, 90_000);
  afterAll(async () => {
    for (const c of sys?.cluster.components ?? []) if (c.pid) componentPids.add(c.pid);
    await sys?.stop();
    for (const pid of [...componentPids, ...seenPids]) expect(isAlive(pid), `pid ${pid} still running`).toBe(false);
  }, 60_000);

  const remember = () => {
    for (const pid of replicaPids(sys.cluster).values()) seenPids.add(pid);
  };

  it("runs 5 ready replicas of the web app and serves them through the registry", async () => {
    const r = await intake(sys.bus, "apply", web(5));
    expect(r.revision).toBe(1);
    await eventually(async () => expectCount("ready web replicas", (await readyReplicas(sys.store, WEB)).length, 5), {
      ...slow,
      what: "5 ready",
    });
    remember();
    const eps = await eventually(
      async () => {
        const res = await fetch(`${sys.cluster.apiUrl}/v1/services/default/web`);
        const body = (await res.json()) as {
          endpoints: Array<{ host: string; port: number; replica: string; ready: boolean }>;
        };
        expectCount("ready endpoints", body.endpoints.filter((e) => e.ready).length, 5);
        return body.endpoints;
      },
      { ...slow, what: "5 endpoints" },
    );
    for (const ep of eps) {
      expect(ep.host).toMatch(/^127\./);
      const res = await fetch(`http://${ep.host}:${ep.port}/`);
      expect(((await res.json()) as { replica: string }).replica).toBe(ep.replica);
    }
  }, 120_000);

  it("serves the intake on a thread of its own: healthy, its applies timed on the process's /metrics", async () => {
    const port = sys.cluster.components.find((c) => c.name === "controller-1")!.healthPort!;
    await eventually(async () => {
      const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { checks: object };
      expect(health.checks).toMatchObject({ intake: true, nats: true, redis: true });
    });
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    // the apply above was timed by the intake thread's bus; the main thread's series are there beside it
    const applies = text
      .split("\n")
      .filter((l) => l.startsWith("tug_bus_request_seconds_count{"))
      .filter((l) => l.includes('phase="handle"') && l.includes('subject="tug.v1.desired.apply"'));
    expect(Number(applies[0]?.split(" ").at(-1))).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^tug_controller_reconcile_total/m);
  });

  it("recovers from a SIGKILLed replica process", async () => {
    const [victim] = await readyReplicas(sys.store, WEB);
    const pid = await eventually(
      () => {
        const p = replicaPids(sys.cluster).get(victim!.id);
        if (!p) throw new Error(`no pid for ${victim!.id} in the worker state files`);
        return p;
      },
      { what: "victim pid" },
    );
    process.kill(pid, "SIGKILL");
    await eventually(
      () => {
        if (isAlive(pid)) throw new Error("still alive");
      },
      { what: "victim dead" },
    );
    await eventually(
      async () => {
        const ready = await readyReplicas(sys.store, WEB);
        expectCount("ready web replicas", ready.length, 5);
        const pids = replicaPids(sys.cluster);
        if (ready.some((r) => !pids.get(r.id) || !isAlive(pids.get(r.id)!)))
          throw new Error("a ready replica has no live process");
      },
      { ...slow, what: "back to 5 ready" },
    );
    remember();
  }, 90_000);

  it("scales to 8, then to 2", async () => {
    await intake(sys.bus, "scale", { namespace: "default", name: "web", replicas: 8 });
    await eventually(async () => expectCount("ready web replicas", (await readyReplicas(sys.store, WEB)).length, 8), {
      ...slow,
      what: "8 ready",
    });
    remember();
    await intake(sys.bus, "scale", { namespace: "default", name: "web", replicas: 2 });
    await eventually(
      async () => {
        expectCount("ready web replicas", (await readyReplicas(sys.store, WEB)).length, 2);
        expectCount("web replica records", (await sys.store.replicasOfDeployment(WEB)).length, 2);
        expectCount("live replica processes", [...replicaPids(sys.cluster).values()].filter(isAlive).length, 2);
      },
      { ...slow, what: "2 left" },
    );
  }, 120_000);

  it("delete leaves no replica record and no replica process", async () => {
    remember();
    await intake(sys.bus, "delete", { namespace: "default", name: "web" });
    await eventually(
      async () => {
        expectCount("web replica records", (await sys.store.replicasOfDeployment(WEB)).length, 0);
        expectCount("live replica processes", [...seenPids].filter(isAlive).length, 0);
      },
      { ...slow, what: "all gone" },
    );
  }, 90_000);

  it("stop() leaves no replica behind, even of workers SIGKILLed just before", async () => {
    await intake(sys.bus, "apply", { ...web(3), name: "web2" });
    await eventually(
      async () => expectCount("ready web2 replicas", (await readyReplicas(sys.store, "default/web2")).length, 3),
      { ...slow, what: "3 ready" },
    );
    remember();
    for (const c of sys.cluster.components) if (c.pid) componentPids.add(c.pid);
    for (const node of sys.cluster.nodes) sys.cluster.kill(`worker-${node}`, "SIGKILL");
    await sys.stop();
    for (const pid of [...componentPids, ...seenPids]) expect(isAlive(pid), `pid ${pid} still running`).toBe(false);
  }, 90_000);
});

describe("local cluster, fake driver, control plane SIGKILLed mid-apply", () => {
  let sys: TestSystem;
  const N = 20;
  const ids = Array.from({ length: N }, (_, i) => `default/d-${String(i).padStart(2, "0")}`);
  const manifest = (i: number) => ({
    name: `d-${String(i).padStart(2, "0")}`,
    namespace: "default",
    replicas: 2,
    command: ["sleep", "infinity"],
    resources: { cpu: 0.01, memory: "8Mi" },
  });

  beforeAll(async () => {
    sys = await startSystem({ nodes: 3, driver: "fake" });
  }, 90_000);
  afterAll(async () => {
    const pids = (sys?.cluster.components ?? []).flatMap((c) => (c.pid ? [c.pid] : []));
    await sys?.stop();
    for (const pid of pids) expect(isAlive(pid), `pid ${pid} still running`).toBe(false);
  }, 60_000);

  it("converges all 20 deployments to exactly 2 replicas each after controller and scheduler crashes", async () => {
    const before = Object.fromEntries(sys.cluster.components.map((c) => [c.name, c.pid]));
    const applying = (async () => {
      for (let i = 0; i < N; i++) {
        await intake(sys.bus, "apply", manifest(i), 60_000);
        if (i === 4) expect(sys.cluster.kill("controller-1", "SIGKILL")).toBe(true);
        if (i === 9) expect(sys.cluster.kill("scheduler-1", "SIGKILL")).toBe(true);
      }
    })();
    await applying;
    await eventually(
      () => {
        const after = Object.fromEntries(sys.cluster.components.map((c) => [c.name, c]));
        expect(after["controller-1"]!.restarts).toBeGreaterThanOrEqual(1);
        expect(after["scheduler-1"]!.restarts).toBeGreaterThanOrEqual(1);
      },
      { what: "controller and scheduler restarted by the supervisor" },
    );
    expect(sys.cluster.components.find((c) => c.name === "controller-1")!.pid).not.toBe(before["controller-1"]);

    const converged = async () => {
      for (const id of ids) {
        const all = await sys.store.replicasOfDeployment(id);
        expectCount(`${id} replica records`, all.length, 2);
        expectCount(
          `${id} running replicas`,
          all.filter((r) => r.desired === "run" && r.phase === "Running" && r.node).length,
          2,
        );
      }
      expectCount("replicas in total", (await sys.store.replicaIds()).length, 2 * N);
    };
    await eventually(converged, { ...slow, what: "20 × 2 converged" });
    await new Promise((r) => setTimeout(r, 2_000));
    await converged(); // still exactly 2 each: no late duplicates
  }, 150_000);

  it("delete removes every replica", async () => {
    for (const id of ids) await intake(sys.bus, "delete", { namespace: "default", name: id.split("/")[1] });
    await eventually(async () => expectCount("replicas in total", (await sys.store.replicaIds()).length, 0), {
      ...slow,
      what: "none left",
    });
  }, 90_000);
});
