/**
 * The worker against a real nats-server, with this test playing the health-monitor (answering node.<id>.sync
 * with hand-written assignments) and examples/web/server.js as the workload on the process driver.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Bus } from "@tug/bus";
import { subjects, type Assignment, type Heartbeat, type StatusReport, type Template } from "@tug/contracts";
import { isAlive } from "@tug/drivers";
import { silentLogger } from "@tug/log";
import { eventually, startNats, type ServerHandle } from "@tug/testkit";
import type { Subscription } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workerConfig } from "../src/config.js";
import { buildWorker, type WorkerParts } from "../src/service.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const NODE = "it-node-1";
const log = silentLogger();

const template: Template = {
  command: ["node", "examples/web/server.js"],
  env: { GREETING: "ahoy" },
  ports: [{ name: "http", containerPort: 8080, protocol: "tcp" }],
  resources: { cpuMillis: 100, memoryBytes: 64 * 1024 * 1024 },
  nodeSelector: {},
  readinessProbe: { http: { path: "/healthz", port: "http" }, initialDelaySeconds: 0, periodSeconds: 0.2, timeoutSeconds: 1, failureThreshold: 3, successThreshold: 1 },
  restartPolicy: "Always",
  terminationGracePeriodSeconds: 2,
};
const assignment = (id: string, desired: "run" | "stop" = "run"): Assignment => ({ replica: { id, deployment: "default/web", revision: 1, desired, gen: 1 }, template });

interface RunningWorker {
  parts: WorkerParts;
  instance: string;
  stop(): Promise<void>;
}

describe("worker (integration)", () => {
  let nats: ServerHandle;
  let plane: Bus;
  let dataDir: string;
  let worker: RunningWorker | undefined;
  let assignments: Assignment[] = [];
  let syncServer: Subscription | undefined;
  const heartbeats: Heartbeat[] = [];
  const statuses: StatusReport[] = [];
  const pids = new Set<number>();
  const portsFrom = 31_000 + Math.floor(Math.random() * 20) * 1000;
  let workers = 0;

  const serveSync = () => {
    syncServer = plane.serve(subjects.nodeSync(NODE), async () => ({ ok: true, node: NODE, assignments }));
  };
  const latest = (instance: string) => [...statuses].reverse().find((s) => s.instance === instance);
  const replica = (id: string, instance = worker!.instance) => {
    const s = latest(instance)?.replicas.find((r) => r.id === id);
    if (!s) throw new Error(`no status for ${id} yet`);
    return s;
  };
  const pidOf = (id: string): number => {
    const state = JSON.parse(readFileSync(join(dataDir, `worker-${NODE}.json`), "utf8")) as Record<string, { pid: number }>;
    const pid = state[id]?.pid;
    if (!pid) throw new Error(`no pid recorded for ${id}`);
    pids.add(pid);
    return pid;
  };
  const hint = () => plane.publish(subjects.nodeAssign(NODE), "node.assign", { node: NODE });

  async function startWorker(): Promise<RunningWorker> {
    const instance = `it-${++workers}`;
    const bus = await Bus.connect({ url: nats.url, name: `worker/${instance}`, log });
    const config = workerConfig({ instance }, {
      TUG_NODE: NODE, TUG_DATA_DIR: dataDir, TUG_WORKDIR: repoRoot, TUG_PORTS_FROM: String(portsFrom),
      TUG_HEARTBEAT_MS: "100", TUG_SYNC_MS: "300", TUG_ORPHAN_GRACE_MS: "800", TUG_NODE_LABELS: "zone=a,disk=ssd",
    }, repoRoot);
    const parts = await buildWorker({ bus, log }, config);
    const ac = new AbortController();
    const running = Promise.all(parts.runnables.map((r) => r.run(ac.signal)));
    return {
      parts, instance,
      async stop() {
        ac.abort();
        await running;
        await parts.onStop?.();
        await bus.close();
      },
    };
  }

  beforeAll(async () => {
    nats = await startNats();
    dataDir = mkdtempSync(join(tmpdir(), "tug-worker-it-"));
    plane = await Bus.connect({ url: nats.url, name: "test/plane", log });
    plane.subscribe(subjects.nodeHeartbeat(NODE), (env) => void heartbeats.push(env.body as Heartbeat));
    plane.subscribe(subjects.nodeStatus(NODE), (env) => void statuses.push(env.body as StatusReport));
    serveSync();
    worker = await startWorker();
  });

  afterAll(async () => {
    await worker?.stop().catch(() => {});
    for (const pid of pids) {
      try { process.kill(-pid, "SIGKILL"); } catch { /* already gone */ }
    }
    await plane?.close();
    await nats?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("sends heartbeats that register the node", async () => {
    await eventually(() => expect(heartbeats.length).toBeGreaterThanOrEqual(3), { what: "heartbeats" });
    const hb = heartbeats.at(-1)!;
    expect(hb).toMatchObject({ node: NODE, instance: worker!.instance, address: "127.0.0.1", labels: { zone: "a", disk: "ssd" }, driver: "process" });
    expect(hb.capacity.cpuMillis).toBeGreaterThan(0);
    expect(heartbeats.at(-1)!.seq).toBeGreaterThan(heartbeats[0]!.seq);
  });

  it("runs an assigned replica: Running, ready, reachable on its host port", async () => {
    assignments = [assignment("web-a")];
    hint();
    const s = await eventually(() => {
      const r = replica("web-a");
      expect(r).toMatchObject({ phase: "Running", ready: true });
      return r;
    }, { what: "web-a ready" });
    expect(s.hostPort).toBeGreaterThanOrEqual(portsFrom);
    expect(s.hostPort).toBeLessThan(portsFrom + 1000);
    const body = await (await fetch(`http://127.0.0.1:${s.hostPort}/`)).json();
    expect(body).toMatchObject({ replica: "web-a", node: NODE, greeting: "ahoy" });
    expect(readFileSync(join(dataDir, "logs", "web-a.log"), "utf8")).toContain("listening");
  });

  it("restarts a replica killed with SIGKILL", async () => {
    const before = pidOf("web-a");
    process.kill(before, "SIGKILL");
    await eventually(() => expect(replica("web-a")).toMatchObject({ phase: "Running", ready: true, restarts: 1 }), { what: "web-a restarted" });
    const after = pidOf("web-a");
    expect(after).not.toBe(before);
    const port = replica("web-a").hostPort;
    await eventually(async () => expect(await (await fetch(`http://127.0.0.1:${port}/`)).json()).toMatchObject({ replica: "web-a" }));
  });

  it("stops a replica whose assignment says stop, and reports it Stopped", async () => {
    const pid = pidOf("web-a");
    assignments = [assignment("web-a", "stop")];
    hint();
    await eventually(() => expect(replica("web-a")).toMatchObject({ phase: "Stopped", ready: false }), { what: "web-a stopped" });
    expect(await isAlive(pid)).toBe(false);
  });

  it("a restarted worker adopts the running replica (same pid)", async () => {
    assignments = [assignment("web-b")];
    hint();
    await eventually(() => expect(replica("web-b")).toMatchObject({ phase: "Running", ready: true }), { what: "web-b ready" });
    const pid = pidOf("web-b");
    const port = replica("web-b").hostPort;
    await worker!.stop();
    expect(await isAlive(pid)).toBe(true);
    worker = await startWorker();
    await eventually(() => expect(replica("web-b")).toMatchObject({ phase: "Running", ready: true, restarts: 0, hostPort: port }), { what: "web-b adopted" });
    expect(pidOf("web-b")).toBe(pid);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).json()).toMatchObject({ replica: "web-b" });
  });

  it("keeps replicas running while the control plane does not answer (static stability)", async () => {
    const pid = pidOf("web-b");
    syncServer!.unsubscribe();
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await isAlive(pid)).toBe(true);
    expect(replica("web-b")).toMatchObject({ phase: "Running", ready: true });
    serveSync();
  });

  it("stops a replica no assignment claims, after the orphan grace period", async () => {
    const pid = pidOf("web-b");
    assignments = [];
    hint();
    await new Promise((r) => setTimeout(r, 300));
    expect(await isAlive(pid)).toBe(true);
    await eventually(async () => expect(await isAlive(pid)).toBe(false), { what: "orphan stopped" });
    await eventually(() => expect(latest(worker!.instance)!.replicas).toEqual([]), { what: "orphan forgotten" });
  });
});
