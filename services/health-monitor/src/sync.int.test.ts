import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bus } from "@tug/bus";
import { manifestSchema, type SyncReply, subjects, validate } from "@tug/contracts";
import { silentLogger } from "@tug/log";
import { RedisStore } from "@tug/state";
import { fakeHeartbeat, placeReplica, startNats, startRedis, type ServerHandle, uniquePrefix } from "@tug/testkit";
import { assignmentsOf, serveSync } from "./sync.js";

let redis: ServerHandle;
let nats: ServerHandle;
let store: RedisStore;
let bus: Bus;
beforeAll(async () => {
  [redis, nats] = await Promise.all([startRedis(), startNats()]);
  store = new RedisStore({ url: redis.url, prefix: uniquePrefix("sync") });
  bus = await Bus.connect({ url: nats.url, name: "sync-test", log: silentLogger() });
  serveSync(bus, store);
  await bus.nc.flush();
});
afterAll(async () => {
  await bus.close();
  await store.close();
  await Promise.all([redis.stop(), nats.stop()]);
});

describe("health-monitor sync", () => {
  it("lists the node's replicas with their templates; sampleUsage only for deployments that scale on CPU", async () => {
    const apply = (name: string, autoscale?: object) =>
      store.applyDeployment(
        validate(manifestSchema, { name, command: ["node", "x.js"], replicas: 1, ...(autoscale ? { autoscale } : {}) }),
      );
    await apply("cpu", { min: 1, max: 3, targetCPU: 50 });
    await apply("rps", { min: 1, max: 3, metric: "rps", target: 10 });
    await apply("plain");
    await store.heartbeatNode(fakeHeartbeat());
    for (const name of ["cpu", "rps", "plain"])
      await placeReplica(store, `${name}-1`, { deployment: `default/${name}` });
    const list = await assignmentsOf(store, "n1");
    const byId = new Map(list.map((a) => [a.replica.id, a]));
    expect([...byId.keys()].sort()).toEqual(["cpu-1", "plain-1", "rps-1"]);
    expect(byId.get("cpu-1")).toMatchObject({ sampleUsage: true, template: { command: ["node", "x.js"] } });
    expect(byId.get("rps-1")!.sampleUsage).toBeUndefined();
    expect(byId.get("plain-1")!.sampleUsage).toBeUndefined();
  });

  it("while the node is NotReady, copies that must never run twice are sent as stop; the others as they are", async () => {
    await store.applyDeployment(
      validate(manifestSchema, { name: "single", command: ["x"], replicas: 1, disconnect: { stopAfterSeconds: 2 } }),
    );
    await store.heartbeatNode(fakeHeartbeat("n2"), 1_000);
    await placeReplica(store, "single-1", { deployment: "default/single", node: "n2" });
    await placeReplica(store, "plain-2", { deployment: "default/plain", node: "n2" });
    const desired = async () =>
      new Map((await assignmentsOf(store, "n2")).map((a) => [a.replica.id, a.replica.desired]));
    expect(await desired()).toEqual(
      new Map([
        ["single-1", "run"],
        ["plain-2", "run"],
      ]),
    );
    expect((await store.markNodeNotReady("n2", 2_000, 3_000)).changed).toBe(true);
    expect(await desired()).toEqual(
      new Map([
        ["single-1", "stop"],
        ["plain-2", "run"],
      ]),
    );
  });

  it("answers a node holding the current digest 'unchanged' without assignments, and in full after a change", async () => {
    await store.applyDeployment(validate(manifestSchema, { name: "dig", command: ["x"], replicas: 2 }));
    await store.heartbeatNode(fakeHeartbeat("n3"));
    await placeReplica(store, "dig-1", { deployment: "default/dig", node: "n3" });
    const sync = (digest?: string) =>
      bus.request<SyncReply>(subjects.nodeSync("n3"), "node.sync", digest ? { node: "n3", digest } : { node: "n3" });
    const full = await sync();
    expect(full.assignments.map((a) => a.replica.id)).toEqual(["dig-1"]);
    expect(full.digest).toMatch(/^[0-9a-f]{40}$/);
    expect(full.unchanged).toBeUndefined();

    const same = await sync(full.digest);
    expect(same).toMatchObject({ ok: true, node: "n3", assignments: [], digest: full.digest, unchanged: true });
    // a digest that is not the current one (an older answer, or made up) gets the whole answer
    expect((await sync("0".repeat(40))).assignments).toHaveLength(1);

    await placeReplica(store, "dig-2", { deployment: "default/dig", node: "n3" });
    const after = await sync(full.digest);
    expect(after.unchanged).toBeUndefined();
    expect(after.assignments.map((a) => a.replica.id).sort()).toEqual(["dig-1", "dig-2"]);
    expect(after.digest).not.toBe(full.digest);
  });
});
