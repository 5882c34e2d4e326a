/**
 * A stale controller (one that read the deployment, was paused, and resumes with its plan after the desired state
 * moved) changes nothing: its creates and retires carry the generation they were planned from, and the Lua
 * transitions refuse them. Real redis-server and nats-server; the plan and its application are the controller's own.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bus } from "@tug/bus";
import { manifestSchema, type NodeRecord, validate } from "@tug/contracts";
import { silentLogger } from "@tug/log";
import { RedisStore } from "@tug/state";
import { fakeHeartbeat, runReplica, startServers, type TestServers, uniquePrefix } from "@tug/testkit";
import { applyPlan } from "../src/apply.js";
import { planDeployment } from "../src/plan.js";

let servers: TestServers;
let bus: Bus;
const stores: RedisStore[] = [];
const ID = "default/web";

beforeAll(async () => {
  servers = await startServers();
  bus = await Bus.connect({ url: servers.nats.url, name: "stale-plan-test", log: silentLogger() });
});
afterAll(async () => {
  for (const s of stores) await s.close();
  await bus.close();
  await servers.stop();
});

/** A store with deployment web at `replicas`, `running` of them Running and ready on n1. */
async function cluster(replicas: number, running: number): Promise<RedisStore> {
  const s = new RedisStore({ url: servers.redis.url, prefix: uniquePrefix("stale") });
  stores.push(s);
  await s.applyDeployment(validate(manifestSchema, { name: "web", command: ["x"], replicas }));
  await s.heartbeatNode(fakeHeartbeat());
  for (let i = 0; i < running; i++) await runReplica(s, `web-${i}`, 20_000 + i);
  return s;
}

/** Reads and plans as the controller does, then lets `meanwhile` run before the plan is applied. */
async function stalePlan(s: RedisStore, meanwhile: () => Promise<unknown>): Promise<void> {
  const [dep, replicas, nodes] = await Promise.all([s.deployment(ID), s.replicasOfDeployment(ID), s.nodes()]);
  const plan = planDeployment(dep, replicas, new Map<string, NodeRecord>(nodes.map((n) => [n.id, n])), Date.now());
  expect(plan.create + plan.retire.length).toBeGreaterThan(0);
  await meanwhile();
  await applyPlan(ID, dep, plan, s, bus, silentLogger(), replicas.length);
}

describe("a stale controller's plan", () => {
  it("does not retire replicas that a newer scale-up wants", async () => {
    const s = await cluster(2, 4);
    await stalePlan(s, () => s.scaleDeployment(ID, 4));
    const left = await s.replicasOfDeployment(ID);
    expect(left.filter((r) => r.desired === "run" && r.ready)).toHaveLength(4);
  });

  it("does not create replicas that a newer scale-down no longer wants", async () => {
    const s = await cluster(5, 3);
    await stalePlan(s, () => s.scaleDeployment(ID, 3));
    expect(await s.replicasOfDeployment(ID)).toHaveLength(3);
  });

  it("still applies when nothing moved", async () => {
    const s = await cluster(5, 3);
    await stalePlan(s, async () => {});
    expect(await s.replicasOfDeployment(ID)).toHaveLength(5);
  });
});
