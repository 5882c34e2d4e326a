/**
 * Hollow nodes against a real nats-server, the test playing the health-monitor: every node of the one process
 * heartbeats under its own id and instance, answers an assignment hint with its own sync request, runs what it is
 * assigned (fake replicas: Running and ready) and reports it under its own subject; nodes never see each other's work.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bus } from "@tug/bus";
import { type Heartbeat, nodeFromSubject, type StatusReport, subjects } from "@tug/contracts";
import { silentLogger } from "@tug/log";
import { eventually, startNats, type ServerHandle } from "@tug/testkit";
import { workerConfig } from "../src/config.js";
import { buildHollow, type HollowParts } from "../src/hollow.js";
import { assignment } from "./harness.js";

const NODES = 40;
const log = silentLogger();
let nats: ServerHandle;
let plane: Bus;
let hollowBus: Bus;
let hollow: HollowParts;
let dataDir: string;
const stop = new AbortController();
const heartbeats = new Map<string, Set<string>>();
const statuses = new Map<string, StatusReport>();
const syncs = new Map<string, number>();
const assigned = new Map<string, string[]>();
let running: Promise<unknown>;

beforeAll(async () => {
  nats = await startNats();
  dataDir = mkdtempSync(join(tmpdir(), "tug-hollow-it-"));
  plane = await Bus.connect({ url: nats.url, name: "test/plane", log });
  plane.subscribe(subjects.nodeAny("heartbeat"), (env) => {
    const hb = env.body as Heartbeat;
    heartbeats.set(hb.node, (heartbeats.get(hb.node) ?? new Set()).add(hb.instance));
  });
  plane.subscribe(subjects.nodeAny("status"), (env, subject) => {
    const st = env.body as StatusReport;
    expect(nodeFromSubject(subject)).toBe(st.node);
    if (!st.unchanged) statuses.set(st.node, st);
  });
  plane.serve(subjects.nodeAny("sync"), async (_body, _env, subject) => {
    const node = nodeFromSubject(subject)!;
    syncs.set(node, (syncs.get(node) ?? 0) + 1);
    const ids = assigned.get(node) ?? [];
    return { ok: true, node, assignments: ids.map((id) => assignment(id, { command: ["x"] } as never)) };
  });
  hollowBus = await Bus.connect({ url: nats.url, name: "test/hollow", log });
  const base = workerConfig(
    { instance: "it" },
    { TUG_NODE: "h-1", TUG_DRIVER: "fake", TUG_DATA_DIR: dataDir, TUG_HEARTBEAT_MS: "200", TUG_SYNC_MS: "60000" },
    dataDir,
  );
  hollow = await buildHollow(
    { bus: hollowBus, log },
    { nodes: NODES, instance: "it", name: (i) => `h-${i + 1}`, base: { ...base, statusMs: 60_000, metricsMs: 60_000 } },
  );
  running = Promise.all(hollow.runnables.map((r) => r.run(stop.signal)));
});

afterAll(async () => {
  stop.abort();
  await running;
  await hollow?.onStop?.();
  await hollowBus?.close();
  await plane?.close();
  await nats?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("worker - hollow nodes", () => {
  it("heartbeats as N distinct nodes, each with its own instance", async () => {
    await eventually(() => expect(heartbeats.size).toBe(NODES), { what: "a heartbeat from every node" });
    const instances = new Set([...heartbeats.values()].flatMap((s) => [...s]));
    expect(instances.size).toBe(NODES);
    expect([...heartbeats.keys()].sort()).toEqual(Array.from({ length: NODES }, (_, i) => `h-${i + 1}`).sort());
  });

  it("syncs on its own assignment hint and runs and reports only its own replicas", async () => {
    await eventually(() => expect(syncs.size).toBe(NODES), { what: "every node's first sync" });
    assigned.set("h-7", ["r-a", "r-b"]);
    assigned.set("h-31", ["r-c"]);
    for (const node of ["h-7", "h-31"]) plane.publish(subjects.nodeAssign(node), "hint", {});
    await eventually(
      () => {
        for (const [node, ids] of assigned) {
          const st = statuses.get(node);
          expect(st?.replicas.map((r) => r.id).sort()).toEqual(ids);
          expect(st?.replicas.every((r) => r.phase === "Running" && r.ready)).toBe(true);
        }
      },
      { what: "h-7 and h-31 report their replicas Running and ready" },
    );
    expect(hollow.drivers.get("h-7")!.runningIds().sort()).toEqual(["r-a", "r-b"]);
    expect(hollow.drivers.get("h-8")!.runningIds()).toEqual([]);
    for (const [node, st] of statuses) if (!assigned.has(node)) expect(st.replicas).toEqual([]);
  });
});
