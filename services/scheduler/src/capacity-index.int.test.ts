import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisStore } from "@tug/state";
import { fakeHeartbeat, placeReplica, startRedis, type ServerHandle, uniquePrefix } from "@tug/testkit";
import { CapacityIndex, type IndexStore } from "./capacity-index.js";

let redis: ServerHandle;
let s: RedisStore;

beforeAll(async () => {
  redis = await startRedis();
  s = new RedisStore({ url: redis.url, prefix: uniquePrefix() });
  for (const n of ["n1", "n2"]) await s.heartbeatNode(fakeHeartbeat(n));
  for (const id of ["a", "b", "c"]) await placeReplica(s, id, { node: id === "c" ? "n2" : "n1", cpuMillis: 100 });
});
afterAll(async () => {
  await s.close();
  await redis.stop();
});

describe("scheduler - capacity index", () => {
  it("sees a change no hint announced at the next recheck (records and counts), every replica only at the rebuild", async () => {
    let replicaReads = 0;
    const counted: IndexStore = {
      nodes: () => s.nodes(),
      node: (id) => s.node(id),
      replicasOfNode: (id) => s.replicasOfNode(id),
      replicaCountsOfNodes: (ids) => s.replicaCountsOfNodes(ids),
      replicas: () => (replicaReads++, s.replicas()),
    };
    const index = new CapacityIndex(counted, 10_000, 1_000);
    const used = async (now: number) => (await index.current(now)).get("n1")?.used.cpuMillis;
    expect(await used(0)).toBe(200);
    // a replica removed, a node cordoned: no hint reaches the index
    await s.removeReplica({ id: "a", deployment: "default/web" }, "test");
    await s.cordonNode("n2", "cordon");
    expect(await used(500)).toBe(200);
    expect(await used(1_000)).toBe(100);
    expect((await index.current(1_000)).get("n2")?.node.cordoned).toBe(true);
    // heartbeats change node records all the time: not a reason to re-read a node
    await s.heartbeatNode(fakeHeartbeat("n1"));
    let rereads = 0;
    const views = await index.current(2_000);
    expect(views.get("n1")?.total).toBe(1);
    counted.replicasOfNode = (id) => (rereads++, s.replicasOfNode(id));
    await index.current(3_000);
    expect(rereads).toBe(0);
    expect(replicaReads).toBe(1);
    await index.current(10_000);
    expect(replicaReads).toBe(2);
  });

  it("rechecks between passes when due, and says whether a node changed (parked replicas wait for that)", async () => {
    const index = new CapacityIndex(s, 60_000, 1_000);
    expect(await index.recheckIfDue(0)).toBe(false); // never built: the next pass rebuilds anyway
    await index.current(0);
    expect(await index.recheckIfDue(500)).toBe(false); // not due
    expect(await index.recheckIfDue(1_000)).toBe(false); // due, nothing changed
    await s.heartbeatNode(fakeHeartbeat("n3")); // a node no hint announced
    expect(await index.recheckIfDue(1_500)).toBe(false); // not due again yet
    expect(await index.recheckIfDue(2_000)).toBe(true);
    expect((await index.current(2_000)).has("n3")).toBe(true);
    expect(await index.recheckIfDue(3_000)).toBe(false);
  });
});
