import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manifestSchema, validate, TugError } from "@tug/contracts";
import { RedisStore } from "@tug/state";
import { fakeHeartbeat, newReplica, startRedis, type ServerHandle, uniquePrefix } from "@tug/testkit";

let redis: ServerHandle;
const stores: RedisStore[] = [];
function store(): RedisStore {
  const s = new RedisStore({ url: redis.url, prefix: uniquePrefix() });
  stores.push(s);
  return s;
}
const manifest = (over: Record<string, unknown> = {}) =>
  validate(manifestSchema, { name: "web", command: ["node", "x.js"], replicas: 3, ...over });
const hb = (node: string, cpuMillis = 1000) => fakeHeartbeat(node, cpuMillis);

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const s of stores) await s.close();
  await redis.stop();
});

describe("state - deployments", () => {
  it("creates revision 1, keeps the revision on a count change, and bumps it on a template change", async () => {
    const s = store();
    expect(await s.applyDeployment(manifest())).toMatchObject({ revision: 1, unchanged: false });
    expect(await s.applyDeployment(manifest())).toMatchObject({ revision: 1, unchanged: true });
    expect(await s.applyDeployment(manifest({ replicas: 5 }))).toMatchObject({ revision: 1, unchanged: false });
    expect(await s.applyDeployment(manifest({ env: { A: "1" } }))).toMatchObject({ revision: 2 });
    const d = await s.deployment("default/web");
    expect(d).toMatchObject({ replicas: 3, revision: 2, template: { env: { A: "1" }, ports: [] } });
    expect([...(await s.revisions("default/web")).keys()].sort()).toEqual([1, 2]);
    const reasons = (await s.events()).map((e) => e.reason);
    expect(reasons).toEqual(["DeploymentCreated", "DeploymentUpdated", "RevisionCreated", "DeploymentUpdated"]);
  });

  it("rejects a stale generation with CONFLICT and changes nothing", async () => {
    const s = store();
    await s.applyDeployment(manifest());
    await expect(s.applyDeployment(manifest({ replicas: 9 }), Date.now(), 7)).rejects.toMatchObject({
      code: "CONFLICT",
    });
    expect((await s.deployment("default/web"))?.replicas).toBe(3);
  });

  it("rolls back to the previous template as a new revision", async () => {
    const s = store();
    await s.applyDeployment(manifest());
    await s.applyDeployment(manifest({ env: { V: "2" } }));
    const r = await s.rollbackDeployment("default/web", 0, "test");
    expect(r).toMatchObject({ revision: 3, from: 2, to: 1 });
    expect((await s.deployment("default/web"))?.template.env).toEqual({});
    await expect(s.rollbackDeployment("default/web", 42, "x")).rejects.toBeInstanceOf(TugError);
    // the target stays in the history (its replicas may still run)
    expect([...(await s.revisions("default/web")).keys()].sort()).toEqual([1, 2, 3]);
  });

  it("trims history to revisionHistoryLimit but keeps the last good revision and every revision a replica runs", async () => {
    const s = store();
    const apply = (v: number) => s.applyDeployment(manifest({ env: { V: String(v) }, revisionHistoryLimit: 2 }));
    await apply(1);
    await s.createReplica(newReplica("old", { cpuMillis: 1 }));
    await apply(2);
    await s.patchDeployment("default/web", { lastGoodRevision: 2 });
    for (const v of [3, 4, 5]) await apply(v);
    // 1 (a replica runs it), 2 (last good), 5 (current); 3 and 4 trimmed to stay as close to the limit as allowed
    expect([...(await s.revisions("default/web")).keys()].sort()).toEqual([1, 2, 5]);
    await s.removeReplica({ id: "old", deployment: "default/web" }, "test");
    await apply(6);
    expect([...(await s.revisions("default/web")).keys()].sort()).toEqual([2, 6]);
  });

  it("stamps revisionAt when a revision starts, not on a count change", async () => {
    const s = store();
    await s.applyDeployment(manifest(), 1_000);
    expect((await s.deployment("default/web"))?.revisionAt).toBe(1_000);
    await s.applyDeployment(manifest({ replicas: 7 }), 2_000);
    expect((await s.deployment("default/web"))?.revisionAt).toBe(1_000);
    await s.applyDeployment(manifest({ env: { V: "2" } }), 3_000);
    expect((await s.deployment("default/web"))?.revisionAt).toBe(3_000);
    await s.rollbackDeployment("default/web", 1, "test", -1, 4_000);
    expect((await s.deployment("default/web"))?.revisionAt).toBe(4_000);
    await s.patchDeployment("default/web", { revisionAt: 5_000 });
    expect((await s.deployment("default/web"))?.revisionAt).toBe(5_000);
  });
});

describe("state - scheduling CAS", () => {
  it("never over-commits a node, even when binds race", async () => {
    const s = store();
    await s.heartbeatNode(hb("n1", 1000));
    const ids = Array.from({ length: 20 }, (_, i) => `r${i}`);
    for (const id of ids) await s.createReplica(newReplica(id, { cpuMillis: 300 }));
    const results = await Promise.allSettled(ids.map((id) => s.bindReplica(id, "n1", 1)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    expect((await s.replicasOfNode("n1")).reduce((a, r) => a + r.resources.cpuMillis, 0)).toBeLessThanOrEqual(1000);
    expect(await s.pendingReplicas()).toHaveLength(17);
  });

  it("binds in batches without over-committing a node, even when two schedulers' batches race", async () => {
    const s = store();
    await s.heartbeatNode(hb("n1", 1000));
    await s.heartbeatNode(hb("n2", 1000));
    const ids = Array.from({ length: 20 }, (_, i) => `b${i}`);
    for (const id of ids) await s.createReplica(newReplica(id, { cpuMillis: 300 }));
    const batch = (order: string[]) =>
      s.bindReplicas(
        order.flatMap((id) => [
          { replica: id, node: "n1", gen: 1 },
          { replica: id, node: "n2", gen: 1 },
        ]),
      );
    const [a, b] = await Promise.all([batch(ids), batch([...ids].reverse())]);
    const results = [...a, ...b];
    expect(results.filter((r) => typeof r === "number")).toHaveLength(6);
    expect(new Set(results.filter((r) => typeof r === "string"))).toEqual(
      new Set(["CONFLICT", "INSUFFICIENT_CAPACITY"]),
    );
    for (const n of ["n1", "n2"]) {
      const bound = await s.replicasOfNode(n);
      expect(bound.reduce((acc, r) => acc + r.resources.cpuMillis, 0)).toBeLessThanOrEqual(1000);
      expect(bound).toHaveLength(3);
    }
    expect(await s.pendingReplicas()).toHaveLength(14);
    await s.cordonNode("n1", "cordon");
    expect(
      await s.bindReplicas([
        { replica: "b19", node: "n1", gen: 1 },
        { replica: "nope", node: "n2", gen: 1 },
      ]),
    ).toEqual(["NODE_NOT_READY", "NOT_FOUND"]);
    expect(await s.bindReplicas([])).toEqual([]);
  });

  it("applies batched heartbeats as single ones and indexes them, so the sweep finds the silent nodes", async () => {
    const s = store();
    expect(await s.heartbeatNodes([hb("n1"), hb("n2")], 1_000)).toEqual([
      { id: "n1", restarted: false, becameReady: true },
      { id: "n2", restarted: false, becameReady: true },
    ]);
    expect(await s.heartbeatNodes([hb("n1")], 5_000)).toEqual([]);
    expect(await s.silentNodeIds(3_000)).toEqual(["n2"]);
    await s.markNodeNotReady("n2", 3_000, 3_000);
    expect(await s.heartbeatNodes([{ ...hb("n2"), instance: "i2" }], 6_000)).toEqual([
      { id: "n2", restarted: true, becameReady: true },
    ]);
    expect((await s.nodesByIds(["n2", "ghost"])).map((n) => [n.id, n.status, n.lastHeartbeat])).toEqual([
      ["n2", "Ready", 6_000],
    ]);
    await s.heartbeatNode(hb("n3"), 2_000);
    expect(await s.silentNodeIds(5_500)).toEqual(["n3", "n1"]);
  });

  it("touches registered nodes with their beat alone: indexed, Ready again after NotReady, unknown ones named", async () => {
    const s = store();
    await s.heartbeatNodes([hb("t1"), hb("t2")], 1_000);
    expect(await s.touchNodes(["t1", "t2", "ghost"], 4_000)).toEqual({ changed: [], unknown: ["ghost"] });
    expect(await s.silentNodeIds(3_000)).toEqual([]);
    expect((await s.node("t1"))?.lastHeartbeat).toBe(4_000);
    await s.markNodeNotReady("t2", 5_000, 5_000);
    expect((await s.node("t2"))?.status).toBe("NotReady");
    expect(await s.touchNodes(["t2"], 7_000)).toEqual({
      changed: [{ id: "t2", restarted: false, becameReady: true }],
      unknown: [],
    });
    const t2 = await s.node("t2");
    expect([t2?.status, t2?.lastHeartbeat, t2?.address]).toEqual(["Ready", 7_000, "127.0.0.1"]);
    expect(await s.touchNodes([])).toEqual({ changed: [], unknown: [] });
    // a node the heartbeat budget slowed down says so, and its record keeps it until it beats at its own pace
    await s.heartbeatNodes([{ ...hb("t1"), stretchedMs: 2_000 }], 8_000);
    expect((await s.node("t1"))?.stretchedBeatMs).toBe(2_000);
    await s.heartbeatNodes([hb("t1")], 9_000);
    expect((await s.node("t1"))?.stretchedBeatMs).toBeUndefined();
  });

  it("fences status reports to the bound node and removes endpoints of a silent node", async () => {
    const s = store();
    await s.heartbeatNode(hb("n1"));
    await s.createReplica(newReplica("a", { cpuMillis: 100 }));
    await s.bindReplica("a", "n1", 1);
    await expect(
      s.reportReplica("n2", "127.0.0.1", { id: "a", phase: "Running", ready: true, restarts: 0 }),
    ).rejects.toMatchObject({ code: "STALE_FENCING_TOKEN" });
    await s.reportReplica("n1", "127.0.0.1", { id: "a", phase: "Running", ready: true, hostPort: 20001, restarts: 0 });
    expect(await s.replica("a")).toMatchObject({ ready: true, hostPort: 20001, phase: "Running" });
    const idx = await s.endpointsIndex("default/web");
    await s.markNodeNotReady("n1", Date.now() + 1);
    expect(await s.replica("a")).toMatchObject({ ready: false });
    expect(await s.endpointsIndex("default/web")).toBeGreaterThan(idx);
    await s.markNodeLost("n1", Date.now() + 1);
    expect((await s.replica("a"))?.phase).toBe("Lost");
    await expect(
      s.reportReplica("n1", "127.0.0.1", { id: "a", phase: "Running", ready: true, restarts: 0 }),
    ).rejects.toMatchObject({ code: "STALE_FENCING_TOKEN" });
  });

  it("gives a new lease holder a higher fencing token", async () => {
    const s = store();
    const a = await s.acquireLease("sweep", "A", 200);
    expect(a.held).toBe(true);
    expect((await s.acquireLease("sweep", "B", 200)).held).toBe(false);
    await new Promise((r) => setTimeout(r, 300));
    const b = await s.acquireLease("sweep", "B", 200);
    expect(b).toMatchObject({ held: true });
    expect(b.token).toBeGreaterThan(a.token);
  });
});

describe("state - delete", () => {
  it("keeps revision templates until the last replica of a deleted deployment is removed", async () => {
    const s = store();
    await s.applyDeployment(manifest({ replicas: 1 }));
    await s.createReplica(newReplica("x", { cpuMillis: 1 }));
    await s.deleteDeployment("default/web");
    expect(await s.template("default/web", 1)).toBeDefined();
    await s.removeReplica({ id: "x", deployment: "default/web" }, "test");
    expect(await s.template("default/web", 1)).toBeUndefined();
  });

  it("a deployment created again while copies of its deleted namesake remain numbers its revision after theirs", async () => {
    const s = store();
    await s.applyDeployment(manifest({ replicas: 1, env: { OLD: "1" } }));
    await s.createReplica(newReplica("old", { cpuMillis: 1 })); // revision 1, still being retired
    await s.deleteDeployment("default/web");
    expect(await s.applyDeployment(manifest({ replicas: 1, env: { NEW: "1" } }))).toMatchObject({ revision: 2 });
    // the old copy's template stays (its worker needs it to stop it); revision 1 does not name the new template
    expect((await s.template("default/web", 1))?.env).toEqual({ OLD: "1" });
    expect((await s.template("default/web", 2))?.env).toEqual({ NEW: "1" });
    await s.removeReplica({ id: "old", deployment: "default/web" }, "test");
    expect(await s.template("default/web", 2)).toBeDefined();
    // with no copy left, a re-created deployment starts afresh at revision 1
    await s.deleteDeployment("default/web");
    expect(await s.applyDeployment(manifest({ replicas: 1 }))).toMatchObject({ revision: 1 });
    expect([...(await s.revisions("default/web")).keys()]).toEqual([1]);
  });
});

describe("state - racing controllers", () => {
  it("refuses a create planned from a stale replica count", async () => {
    const s = store();
    const spec = (id: string) => newReplica(id, { cpuMillis: 1 });
    await s.createReplica(spec("a"), 0);
    await expect(s.createReplica(spec("b"), 0)).rejects.toMatchObject({ code: "CONFLICT" });
    await s.createReplica(spec("b"), 1);
    expect(await s.replicasOfDeployment("default/web")).toHaveLength(2);
  });
});
