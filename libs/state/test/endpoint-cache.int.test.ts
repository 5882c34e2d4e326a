import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manifestSchema, validate } from "@tug/contracts";
import { EndpointCache, RedisStore } from "@tug/state";
import { fakeHeartbeat, runReplica, startRedis, type ServerHandle, uniquePrefix } from "@tug/testkit";

let redis: ServerHandle;
let s: RedisStore;
const hb = (node: string) => fakeHeartbeat(node, 10_000);
const readyReplica = (id: string, node: string, port: number) => runReplica(s, id, port, { node });

beforeAll(async () => {
  redis = await startRedis();
  s = new RedisStore({ url: redis.url, prefix: uniquePrefix() });
  await s.heartbeatNode(hb("n1"));
  await s.heartbeatNode(hb("n2"));
  await s.applyDeployment(validate(manifestSchema, { name: "web", command: ["x"], replicas: 3 }));
});
afterAll(async () => {
  await s.close();
  await redis.stop();
});

describe("state - endpoint cache", () => {
  it("follows changes from hints and from the endpoint index, without a full re-read", async () => {
    const cache = new EndpointCache(s, 60_000);
    expect([...(await cache.sync(0))]).toEqual(["default/web"]);
    expect(cache.endpoints("default/web")).toEqual([]);
    await readyReplica("a", "n1", 20_001);
    // no hint at all: the endpoint index moved, so the next sync re-reads that deployment
    expect([...(await cache.sync(1))]).toEqual(["default/web"]);
    expect(cache.endpoints("default/web").map((e) => e.port)).toEqual([20_001]);
    const same = cache.endpoints("default/web");
    expect([...(await cache.sync(2))]).toEqual([]);
    expect(cache.endpoints("default/web")).toBe(same);
    await readyReplica("b", "n2", 20_002);
    await s.markNodeNotReady("n2", Date.now() + 1);
    cache.hint("node", "n2");
    await cache.sync(3);
    expect(cache.endpoints("default/web").map((e) => e.replica)).toEqual(["a"]);
    await s.scaleDeployment("default/web", 5);
    cache.hint("deployment", "default/web");
    await cache.sync(4);
    expect(cache.deployments().get("default/web")?.replicas).toBe(5);
    await s.deleteDeployment("default/web");
    for (const r of await s.replicasOfDeployment("default/web")) await s.removeReplica(r, "test");
    cache.hint("deployment", "default/web");
    expect([...(await cache.sync(5))]).toEqual(["default/web"]);
    expect(cache.services().has("default/web")).toBe(false);
  });

  it("re-reads deployment and node records every resyncMs (a lost hint), every replica only every deepResyncMs", async () => {
    await s.applyDeployment(validate(manifestSchema, { name: "api", command: ["x"], replicas: 1 }));
    let replicaReads = 0;
    const counted = Object.assign(Object.create(s) as RedisStore, {
      replicas: () => (replicaReads++, s.replicas()),
    });
    const cache = new EndpointCache(counted, 1_000, 10_000);
    await cache.sync(0);
    expect(replicaReads).toBe(1);
    await runReplica(s, "c", 20_003, { node: "n1", deployment: "default/api" });
    await cache.sync(1);
    expect(cache.endpoints("default/api").map((e) => e.port)).toEqual([20_003]);
    // no hint: a scale is seen at the next re-read of the records, not before
    await s.scaleDeployment("default/api", 4);
    expect([...(await cache.sync(500))]).toEqual([]);
    expect(cache.deployments().get("default/api")?.replicas).toBe(1);
    expect([...(await cache.sync(1_000))]).toEqual(["default/api"]);
    expect(cache.deployments().get("default/api")?.replicas).toBe(4);
    // heartbeats change node records all the time: not a change
    await s.heartbeatNode(hb("n1"));
    expect([...(await cache.sync(2_000))]).toEqual([]);
    expect(replicaReads).toBe(1);
    await cache.sync(10_000);
    expect(replicaReads).toBe(2);
  });
});
