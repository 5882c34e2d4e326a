import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { Bus } from "@tug/bus";
import { decode, encode, subjects } from "@tug/contracts";
import { silentLogger } from "@tug/log";
import { createMetrics } from "@tug/runtime";
import { RedisStore } from "@tug/state";
import { readConfig } from "@tug/service";
import { startServers, type TestServers, uniquePrefix } from "@tug/testkit";
import { buildController } from "../src/service.js";

let servers: TestServers;
let bus: Bus;
let store: RedisStore;
let raw: NatsConnection;
const ac = new AbortController();

beforeAll(async () => {
  servers = await startServers();
  const log = silentLogger();
  const metrics = createMetrics("controller");
  bus = await Bus.connect({ url: servers.nats.url, name: "controller-test", log, metrics });
  store = new RedisStore({ url: servers.redis.url, prefix: uniquePrefix("intake") });
  const parts = buildController(
    { config: readConfig("controller", {}), log, metrics, bus, store },
    { resyncMs: 1_000, progressMs: 200 },
  );
  for (const r of parts.runnables) void r.run(ac.signal);
  raw = await connect({ servers: servers.nats.url });
  await new Promise((r) => setTimeout(r, 100));
});
afterAll(async () => {
  ac.abort();
  await raw.close();
  await bus.close();
  await store.close();
  await servers.stop();
});

async function request(
  verb: "apply" | "scale" | "delete" | "rollback" | "restart",
  payload: Uint8Array,
): Promise<Record<string, unknown>> {
  const msg = await raw.request(subjects.desired(verb), payload, { timeout: 5_000 });
  return decode(msg.data) as Record<string, unknown>;
}

describe("controller intake", () => {
  it("accepts a bare JSON manifest, durably, and creates its replicas", async () => {
    const reply = await request(
      "apply",
      new TextEncoder().encode(JSON.stringify({ name: "api", command: ["node", "x.js"], replicas: 2 })),
    );
    expect(reply).toMatchObject({ ok: true, id: "default/api", revision: 1 });
    expect((await store.deployment("default/api"))?.replicas).toBe(2);
    for (let i = 0; i < 50 && (await store.replicasOfDeployment("default/api")).length < 2; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(await store.replicasOfDeployment("default/api")).toHaveLength(2);
  });

  it("accepts a msgpack manifest in an envelope", async () => {
    const env = {
      v: 1,
      kind: "desired.apply",
      id: "x",
      sentAt: Date.now(),
      from: "test",
      body: { name: "mp", command: ["x"] },
    };
    expect(await request("apply", encode(env))).toMatchObject({ ok: true, id: "default/mp" });
  });

  it.each([
    ["garbage bytes", new Uint8Array([0xc1, 0xff, 0x00]), "BAD_ENCODING", undefined],
    [
      "bad name",
      new TextEncoder().encode(JSON.stringify({ name: "Not_A_Label", command: ["x"] })),
      "VALIDATION_FAILED",
      "name",
    ],
    [
      "negative replicas",
      new TextEncoder().encode(JSON.stringify({ name: "ok", command: ["x"], replicas: -1 })),
      "VALIDATION_FAILED",
      "replicas",
    ],
    [
      "unknown field",
      new TextEncoder().encode(JSON.stringify({ name: "ok", command: ["x"], bogus: 1 })),
      "VALIDATION_FAILED",
      "bogus",
    ],
    [
      "unknown envelope version",
      encode({ v: 9, kind: "k", id: "i", sentAt: 0, from: "f", body: {} }),
      "BAD_ENVELOPE",
      "v",
    ],
  ])("rejects %s with a structured error and changes nothing", async (_what, payload, code, field) => {
    const before = await store.deploymentIds();
    const reply = await request("apply", payload);
    expect(reply).toMatchObject({ ok: false, code });
    expect(typeof reply.message).toBe("string");
    if (field) expect(reply.field).toBe(field);
    expect(await store.deploymentIds()).toEqual(before);
  });

  it("scales, rolls back and deletes through the intake", async () => {
    const json = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
    await request("apply", json({ name: "svc", command: ["x"], replicas: 1 }));
    await request("apply", json({ name: "svc", command: ["x"], replicas: 1, env: { V: "2" } }));
    expect(await request("scale", json({ name: "svc", replicas: 3 }))).toMatchObject({ ok: true, replicas: 3 });
    expect(await request("rollback", json({ name: "svc" }))).toMatchObject({ ok: true, revision: 3 });
    expect((await store.deployment("default/svc"))?.template.env).toEqual({});
    expect(await request("scale", json({ name: "nope", replicas: 3 }))).toMatchObject({ ok: false, code: "NOT_FOUND" });
    expect(await request("delete", json({ name: "svc" }))).toMatchObject({ ok: true });
    expect(await store.deployment("default/svc")).toBeUndefined();
  });

  it("restarts a replica: the copy is retired and a new one takes its place", async () => {
    const json = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
    await request("apply", json({ name: "rst", command: ["x"], replicas: 1 }));
    const running = async () => (await store.replicasOfDeployment("default/rst")).filter((r) => r.desired === "run");
    for (let i = 0; i < 50 && (await running()).length < 1; i++) await new Promise((r) => setTimeout(r, 100));
    const [old] = await running();
    expect(await request("restart", json({ replica: old!.id }))).toMatchObject({ ok: true, id: old!.id });
    // retired at once: told to stop, or already removed (an unbound copy that is told to stop has nothing to wait
    // for, and the controller's next pass may remove its record before this read)
    expect((await store.replica(old!.id))?.desired ?? "removed").toMatch(/^(stop|removed)$/);
    for (let i = 0; i < 50 && (await running()).length < 1; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await running()).map((r) => r.id)).not.toContain(old!.id);
    expect(await running()).toHaveLength(1);
    expect(await request("restart", json({ replica: old!.id }))).toMatchObject({ ok: false, code: "NOT_FOUND" });
    expect(await request("restart", json({ replica: "a.b" }))).toMatchObject({ ok: false, code: "VALIDATION_FAILED" });
  });

  it("honours a user's expected generation: GENERATION_MISMATCH once it moved, and nothing changes", async () => {
    const json = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
    await request("apply", json({ name: "cas", command: ["x"], replicas: 1 }));
    await request("apply", json({ name: "cas", command: ["y"], replicas: 1 }));
    const gen = (await store.deployment("default/cas"))!.gen;
    expect(await request("scale", json({ name: "cas", replicas: 2, expectGeneration: gen }))).toMatchObject({
      ok: true,
    });
    for (const [verb, body] of [
      ["scale", { name: "cas", replicas: 5, expectGeneration: gen }],
      ["apply", { name: "cas", command: ["y"], replicas: 6, expectGeneration: gen }],
      ["rollback", { name: "cas", expectGeneration: gen }],
    ] as const) {
      expect(await request(verb, json(body))).toMatchObject({
        ok: false,
        code: "GENERATION_MISMATCH",
        field: "expectGeneration",
      });
    }
    expect(await store.deployment("default/cas")).toMatchObject({ replicas: 2, gen: gen + 1 });
    expect(
      await request("apply", json({ name: "cas", command: ["y"], replicas: 3, expectGeneration: gen + 1 })),
    ).toMatchObject({ ok: true });
    // a Kubernetes manifest carries it too (tug apply --expect-generation adds it beside apiVersion and kind)
    const k8s = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "cas" },
      spec: { replicas: 4, template: { spec: { containers: [{ name: "c", command: ["y"] }] } } },
    };
    expect(await request("apply", json({ ...k8s, expectGeneration: gen }))).toMatchObject({
      code: "GENERATION_MISMATCH",
    });
    expect(await request("apply", json({ ...k8s, expectGeneration: gen + 2 }))).toMatchObject({
      ok: true,
      replicas: 4,
    });
  });

  it("refuses a scale carrying a stale lease token", async () => {
    const json = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
    await request("apply", json({ name: "fenced", command: ["x"], replicas: 1 }));
    const old = await store.acquireLease("autoscaler", "old", 1);
    await new Promise((r) => setTimeout(r, 20));
    await store.acquireLease("autoscaler", "new", 5_000);
    const stale = { name: "fenced", replicas: 4, from: "autoscaler", fence: { role: "autoscaler", token: old.token } };
    expect(await request("scale", json(stale))).toMatchObject({ ok: false, code: "STALE_FENCING_TOKEN" });
    expect((await store.deployment("default/fenced"))?.replicas).toBe(1);
  });

  it("applies a Kubernetes apps/v1 Deployment, and refuses other Kubernetes objects in plain words", async () => {
    const json = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "kube" },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: "kube" } },
        template: {
          metadata: { labels: { app: "kube" } },
          spec: { containers: [{ name: "kube", image: "tug-examples/web:1", ports: [{ containerPort: 8080 }] }] },
        },
      },
    };
    expect(await request("apply", json(deployment))).toMatchObject({ ok: true, id: "default/kube", revision: 1 });
    expect(await store.deployment("default/kube")).toMatchObject({
      replicas: 2,
      template: expect.objectContaining({ image: "tug-examples/web:1" }),
    });
    const service = { apiVersion: "v1", kind: "Service", metadata: { name: "kube" }, spec: { ports: [{ port: 80 }] } };
    expect(await request("apply", json(service))).toMatchObject({
      ok: false,
      code: "VALIDATION_FAILED",
      field: "kind",
      message: expect.stringContaining("this is a Kubernetes Service"),
    });
  });
});
