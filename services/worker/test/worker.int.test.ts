/**
 * The worker against a real nats-server, with this test playing the health-monitor (answering node.<id>.sync
 * with hand-written assignments) and examples/web/server.js as the workload on the process driver.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isAlive } from "@tug/drivers";
import { eventually } from "@tug/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assignment as assignmentOf, webTemplate, WorkerHarness } from "./harness.js";

const NODE = "it-node-1";

const template = webTemplate({ command: ["node", "examples/web/server.js"] });
const assignment = (id: string, desired: "run" | "stop" = "run") => assignmentOf(id, template, desired);

describe("worker (integration)", () => {
  const h = new WorkerHarness(NODE, { TUG_NODE_LABELS: "zone=a,disk=ssd" });
  const pids = new Set<number>();
  const replica = (id: string) => h.replica(id);
  const pidOf = (id: string): number => {
    const state = JSON.parse(readFileSync(join(h.dataDir, `worker-${NODE}.json`), "utf8")) as Record<
      string,
      { pid: number }
    >;
    const pid = state[id]?.pid;
    if (!pid) throw new Error(`no pid recorded for ${id}`);
    pids.add(pid);
    return pid;
  };

  beforeAll(async () => {
    await h.open();
    await h.startWorker();
  });

  afterAll(async () => {
    await h.worker?.stop().catch(() => {});
    for (const pid of pids) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
    await h.close();
  });

  it("sends heartbeats that register the node", async () => {
    await eventually(() => expect(h.heartbeats.length).toBeGreaterThanOrEqual(3), { what: "h.heartbeats" });
    const hb = h.heartbeats.at(-1)!;
    expect(hb).toMatchObject({
      node: NODE,
      instance: h.worker!.instance,
      address: "127.0.0.1",
      labels: { zone: "a", disk: "ssd" },
      driver: "process",
    });
    expect(hb.capacity.cpuMillis).toBeGreaterThan(0);
    expect(h.heartbeats.at(-1)!.seq).toBeGreaterThan(h.heartbeats[0]!.seq);
  });

  it("runs an assigned replica: Running, ready, reachable on its host port", async () => {
    h.assign([assignment("web-a")]);
    const s = await eventually(
      () => {
        const r = replica("web-a");
        expect(r).toMatchObject({ phase: "Running", ready: true });
        return r;
      },
      { what: "web-a ready" },
    );
    expect(s.hostPort).toBeGreaterThanOrEqual(h.portsFrom);
    expect(s.hostPort).toBeLessThan(h.portsFrom + 1000);
    const body = await (await fetch(`http://127.0.0.1:${s.hostPort}/`)).json();
    expect(body).toMatchObject({ replica: "web-a", node: NODE, greeting: "ahoy" });
    expect(readFileSync(join(h.dataDir, "logs", "web-a.log"), "utf8")).toContain("listening");
  });

  it("restarts a replica killed with SIGKILL", async () => {
    const before = pidOf("web-a");
    process.kill(before, "SIGKILL");
    await eventually(() => expect(replica("web-a")).toMatchObject({ phase: "Running", ready: true, restarts: 1 }), {
      what: "web-a restarted",
    });
    const after = pidOf("web-a");
    expect(after).not.toBe(before);
    const port = replica("web-a").hostPort;
    await eventually(async () =>
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).json()).toMatchObject({ replica: "web-a" }),
    );
  });

  it("stops a replica whose assignment says stop, and reports it Stopped", async () => {
    const pid = pidOf("web-a");
    h.assign([assignment("web-a", "stop")]);
    await eventually(() => expect(replica("web-a")).toMatchObject({ phase: "Stopped", ready: false }), {
      what: "web-a stopped",
    });
    expect(await isAlive(pid)).toBe(false);
  });

  it("a restarted worker adopts the running replica (same pid)", async () => {
    h.assign([assignment("web-b")]);
    await eventually(() => expect(replica("web-b")).toMatchObject({ phase: "Running", ready: true }), {
      what: "web-b ready",
    });
    const pid = pidOf("web-b");
    const port = replica("web-b").hostPort;
    await h.worker!.stop();
    expect(await isAlive(pid)).toBe(true);
    await h.startWorker();
    await eventually(
      () => expect(replica("web-b")).toMatchObject({ phase: "Running", ready: true, restarts: 0, hostPort: port }),
      { what: "web-b adopted" },
    );
    expect(pidOf("web-b")).toBe(pid);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).json()).toMatchObject({ replica: "web-b" });
  });

  it("keeps replicas running while the control plane does not answer (static stability)", async () => {
    const pid = pidOf("web-b");
    h.stopServingSync();
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await isAlive(pid)).toBe(true);
    expect(replica("web-b")).toMatchObject({ phase: "Running", ready: true });
    h.serveSync();
  });

  it("stops a replica no assignment claims, after the orphan grace period", async () => {
    const pid = pidOf("web-b");
    h.assign([]);
    await new Promise((r) => setTimeout(r, 300));
    expect(await isAlive(pid)).toBe(true);
    await eventually(async () => expect(await isAlive(pid)).toBe(false), { what: "orphan stopped" });
    await eventually(() => expect(h.latest()!.replicas).toEqual([]), { what: "orphan forgotten" });
  });

  it("samples CPU and memory only of replicas whose deployment autoscales on CPU", async () => {
    h.assign([{ ...assignment("web-cpu"), sampleUsage: true }, assignment("web-plain")]);
    for (const id of ["web-cpu", "web-plain"])
      await eventually(() => expect(replica(id)).toMatchObject({ phase: "Running", ready: true }), {
        what: `${id} ready`,
      });
    pidOf("web-cpu");
    pidOf("web-plain");
    const from = h.metrics.length;
    const report = await eventually(
      () => {
        const m = h.metrics.slice(from).find((r) => r.replicas.length > 0);
        if (!m) throw new Error("no metrics with replicas yet");
        return m;
      },
      { what: "a metrics report", timeoutMs: 15_000 },
    );
    expect(report.replicas.map((r) => r.id)).toEqual(["web-cpu"]);
    expect(report.replicas[0]!.memoryBytes).toBeGreaterThan(0);
    h.assign([]);
  });
});
