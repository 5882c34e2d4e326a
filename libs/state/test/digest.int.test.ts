/**
 * nodeSyncDigest against a real redis-server: the same state gives the same digest; what a node's sync answer is
 * built from changes it, and nothing else does (a node is answered `unchanged` only while its digest stays the same).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manifestSchema, validate } from "@tug/contracts";
import { RedisStore } from "@tug/state";
import { fakeHeartbeat, newReplica, startRedis, type ServerHandle, uniquePrefix } from "@tug/testkit";

let redis: ServerHandle;
let s: RedisStore;

beforeAll(async () => {
  redis = await startRedis();
  s = new RedisStore({ url: redis.url, prefix: uniquePrefix("digest") });
});
afterAll(async () => {
  await s?.close();
  await redis?.stop();
});

describe("nodeSyncDigest", () => {
  it("changes with what a node's sync answer is built from, and only with that", async () => {
    const manifest = (name: string, extra: object = {}) =>
      validate(manifestSchema, { name, command: ["x"], replicas: 1, ...extra });
    await s.applyDeployment(manifest("api"));
    await s.heartbeatNode(fakeHeartbeat("m1"));
    await s.heartbeatNode(fakeHeartbeat("m2"));
    await s.createReplica(newReplica("a1", { deployment: "default/api" }));
    await s.bindReplica("a1", "m1", 1);
    const d0 = await s.nodeSyncDigest("m1");
    expect(d0).toMatch(/^[0-9a-f]{40}$/);
    expect(await s.nodeSyncDigest("m1")).toBe(d0);

    // not: heartbeats, status reports (the answer carries no status), another node's replicas, a scale that
    // creates no replica on this node
    await s.heartbeatNode(fakeHeartbeat("m1"), Date.now() + 500);
    await s.reportReplica("m1", "127.0.0.1", { id: "a1", phase: "Running", ready: true, restarts: 0 });
    await s.createReplica(newReplica("a2", { deployment: "default/api" }));
    await s.bindReplica("a2", "m2", 1);
    await s.scaleDeployment("default/api", 3);
    expect(await s.nodeSyncDigest("m1")).toBe(d0);

    // yes: a replica bound to it, its autoscale settings, a new revision's template, a retired replica, NotReady
    await s.createReplica(newReplica("a3", { deployment: "default/api" }));
    await s.bindReplica("a3", "m1", 1);
    const d1 = await s.nodeSyncDigest("m1");
    expect(d1).not.toBe(d0);
    await s.applyDeployment(manifest("api", { replicas: 3, autoscale: { min: 1, max: 3, targetCPU: 50 } }));
    const d2 = await s.nodeSyncDigest("m1");
    expect(d2).not.toBe(d1);
    await s.applyDeployment(
      manifest("api", { replicas: 3, command: ["y"], autoscale: { min: 1, max: 3, targetCPU: 50 } }),
    );
    const d3 = await s.nodeSyncDigest("m1"); // the revision's template is listed only once a replica runs it
    expect(d3).toBe(d2);
    await s.createReplica({ ...newReplica("a4", { deployment: "default/api" }), revision: 2 });
    await s.bindReplica("a4", "m1", 1);
    const d4 = await s.nodeSyncDigest("m1");
    expect(d4).not.toBe(d3);
    await s.retireReplica("a1", "scaled down");
    const d5 = await s.nodeSyncDigest("m1");
    expect(d5).not.toBe(d4);
    await s.markNodeNotReady("m1", Date.now() + 60_000);
    expect(await s.nodeSyncDigest("m1")).not.toBe(d5);
    // a node with nothing has a digest too
    expect(await s.nodeSyncDigest("nobody")).toMatch(/^[0-9a-f]{40}$/);
  });
});
