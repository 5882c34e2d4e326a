/**
 * deploymentDigest against a real redis-server: the same state gives the same digest; a replica's status, a new
 * replica, a scale and its node going NotReady each change it; heartbeats of its node and another deployment's
 * changes do not (the controller's resync skips a settled deployment only while its digest stays the same).
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

describe("deploymentDigest", () => {
  it("changes with what a reconcile reads, and only with that", async () => {
    const manifest = (name: string) => validate(manifestSchema, { name, command: ["x"], replicas: 1 });
    await s.applyDeployment(manifest("web"));
    await s.applyDeployment(manifest("other"));
    await s.heartbeatNode(fakeHeartbeat("n1"));
    await s.createReplica(newReplica("w1", { deployment: "default/web" }));
    await s.bindReplica("w1", "n1", 1);
    await s.reportReplica("n1", "127.0.0.1", { id: "w1", phase: "Running", ready: true, restarts: 0 });
    const id = "default/web";
    const d0 = await s.deploymentDigest(id);
    expect(d0).toMatch(/^[0-9a-f]{40}$/);
    expect(await s.deploymentDigest(id)).toBe(d0);

    // not: its node's heartbeats, the same status reported again, another deployment's changes
    await s.heartbeatNode(fakeHeartbeat("n1"), Date.now() + 500);
    await s.reportReplica("n1", "127.0.0.1", { id: "w1", phase: "Running", ready: true, restarts: 0 });
    await s.scaleDeployment("default/other", 3);
    await s.createReplica(newReplica("o1", { deployment: "default/other" }));
    expect(await s.deploymentDigest(id)).toBe(d0);

    // yes: a status change, a scale, a new replica, the node going NotReady
    await s.reportReplica("n1", "127.0.0.1", { id: "w1", phase: "Running", ready: false, restarts: 1 });
    const d1 = await s.deploymentDigest(id);
    expect(d1).not.toBe(d0);
    await s.scaleDeployment(id, 2);
    const d2 = await s.deploymentDigest(id);
    expect(d2).not.toBe(d1);
    await s.createReplica(newReplica("w2", { deployment: id }));
    const d3 = await s.deploymentDigest(id);
    expect(d3).not.toBe(d2);
    await s.markNodeNotReady("n1", Date.now() + 60_000);
    expect(await s.deploymentDigest(id)).not.toBe(d3);
    // a deployment that does not exist has a digest too (its orphans' state)
    expect(await s.deploymentDigest("default/none")).toMatch(/^[0-9a-f]{40}$/);
  });
});
