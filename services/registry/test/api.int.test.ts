import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manifestSchema, TugError, validate } from "@tug/contracts";
import { RedisStore } from "@tug/state";
import { fakeHeartbeat, runReplica, startRedis, type ServerHandle, uniquePrefix } from "@tug/testkit";
import { Registry } from "prom-client";
import type { FastifyInstance, InjectOptions } from "fastify";
import { buildApi, type Intake } from "../src/api.js";

let redis: ServerHandle;
let store: RedisStore;
let app: FastifyInstance;
const sent: Array<{ subject: string; body: unknown }> = [];
const intake: Intake = {
  async request<T>(subject: string, _kind: string, body: unknown) {
    sent.push({ subject, body });
    if ((body as { name?: string }).name === "nope")
      throw new TugError("VALIDATION_FAILED", "manifest.image: bad", "image");
    return { ok: true, id: "default/web", revision: 1 } as T;
  },
};
/** Replica `id` of web Running and ready on n1 at `port`. */
const seedReady = (id: string, port: number) => runReplica(store, id, port, { cpuMillis: 100, memoryBytes: 1 << 20 });

const TOKEN = "test-token-0123456789abcdef";
/** An API write with the token (writes without one are auth.int.test.ts's subject). */
const authed = (o: InjectOptions) =>
  app.inject({ ...o, headers: { authorization: `Bearer ${TOKEN}`, ...(o.headers as Record<string, string>) } });

beforeAll(async () => {
  redis = await startRedis();
  store = new RedisStore({ url: redis.url, prefix: uniquePrefix("reg") });
  app = buildApi({ store, intake, metrics: new Registry(), watchPollMs: 20, token: TOKEN });
  await store.applyDeployment(validate(manifestSchema, { name: "web", command: ["node", "x.js"], replicas: 2 }));
  await store.heartbeatNode(fakeHeartbeat());
  await seedReady("r1", 20001);
});
afterAll(async () => {
  await app.close();
  await store.close();
  await redis.stop();
});

describe("registry API", () => {
  it("lists the ready endpoints of a service with its index", async () => {
    const res = await app.inject({ method: "GET", url: "/v1/services/default/web" });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      name: "web",
      namespace: "default",
      revision: 1,
      endpoints: [{ host: "127.0.0.1", port: 20001, replica: "r1", node: "n1", ready: true }],
    });
    expect(body.index).toBeGreaterThan(0);
  });

  it("answers 404 and 400 with structured errors", async () => {
    const missing = await app.inject({ method: "GET", url: "/v1/services/default/ghost" });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ ok: false, code: "NOT_FOUND", retryable: false });
    const bad = await app.inject({ method: "GET", url: "/v1/services/Default/web" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ ok: false, code: "VALIDATION_FAILED", field: "ns" });
    const badQuery = await app.inject({ method: "GET", url: "/v1/services/default/web?watch=1&index=-4" });
    expect(badQuery.statusCode).toBe(400);
    const badJson = await authed({
      method: "POST",
      url: "/v1/deployments",
      headers: { "content-type": "application/json" },
      payload: "{nope",
    });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json()).toMatchObject({ ok: false, code: "BAD_ENCODING" });
    expect((await app.inject({ method: "GET", url: "/v2/x" })).json()).toMatchObject({ code: "NOT_FOUND" });
  });

  it("blocks a watch until the endpoint set changes", async () => {
    const first = (await app.inject({ method: "GET", url: "/v1/services/default/web" })).json();
    const started = Date.now();
    const watch = app.inject({
      method: "GET",
      url: `/v1/services/default/web?watch=1&index=${first.index}&timeout=10`,
    });
    await new Promise((r) => setTimeout(r, 200));
    await seedReady("r2", 20002);
    const res = await watch;
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(res.json().endpoints.map((e: { port: number }) => e.port)).toEqual([20001, 20002]);
    expect(res.json().index).toBeGreaterThan(first.index);
  });

  it("returns after the timeout when nothing changes", async () => {
    const { index } = (await app.inject({ method: "GET", url: "/v1/services/default/web" })).json();
    const res = await app.inject({ method: "GET", url: `/v1/services/default/web?watch=1&index=${index}&timeout=1` });
    expect(res.statusCode).toBe(200);
    expect(res.json().index).toBe(index);
  });

  it("shows deployments, replicas, nodes and events", async () => {
    const d = (await app.inject({ method: "GET", url: "/v1/deployments/default/web" })).json();
    expect(d.deployment).toMatchObject({ id: "default/web", replicas: 2 });
    expect(d.revisions).toMatchObject([{ revision: 1, current: true }]);
    expect(d.replicas).toMatchObject({ total: 2, ready: 2, byRevision: { "1": { total: 2, ready: 2 } } });
    expect(d.events.length).toBeGreaterThan(0);
    expect((await app.inject({ method: "GET", url: "/v1/deployments" })).json().items).toHaveLength(1);
    expect((await app.inject({ method: "GET", url: "/v1/replicas?deployment=default/web" })).json().items).toHaveLength(
      2,
    );
    expect((await app.inject({ method: "GET", url: "/v1/nodes" })).json().items[0]).toMatchObject({
      id: "n1",
      allocated: { cpuMillis: 200 },
      replicas: 2,
    });
    const ev = (await app.inject({ method: "GET", url: "/v1/events?limit=2" })).json();
    expect(ev.items).toHaveLength(2);
    const rest = (await app.inject({ method: "GET", url: `/v1/events?since=${ev.next}` })).json();
    expect(rest.items[0].id > ev.next).toBe(true);
    expect((await app.inject({ method: "GET", url: "/v1/events?since=abc" })).statusCode).toBe(400);
  });

  it("forwards writes to the intake and passes errors through with their status", async () => {
    const ok = await authed({ method: "POST", url: "/v1/deployments", payload: { name: "web", command: ["x"] } });
    expect(ok.json()).toEqual({ ok: true, id: "default/web", revision: 1 });
    expect(sent.at(-1)?.subject).toBe("tug.v1.desired.apply");
    const bad = await authed({ method: "POST", url: "/v1/deployments", payload: { name: "nope" } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ ok: false, code: "VALIDATION_FAILED", field: "image" });
    await authed({ method: "POST", url: "/v1/deployments/default/web/scale", payload: { replicas: 4 } });
    expect(sent.at(-1)).toEqual({
      subject: "tug.v1.desired.scale",
      body: { namespace: "default", name: "web", replicas: 4 },
    });
    expect(
      (await authed({ method: "POST", url: "/v1/deployments/default/web/scale", payload: { replicas: -1 } }))
        .statusCode,
    ).toBe(400);
    await authed({ method: "POST", url: "/v1/deployments/default/web/rollback", payload: {} });
    expect(sent.at(-1)?.subject).toBe("tug.v1.desired.rollback");
    await authed({ method: "DELETE", url: "/v1/deployments/default/web" });
    expect(sent.at(-1)).toEqual({ subject: "tug.v1.desired.delete", body: { namespace: "default", name: "web" } });
  });

  it("turns If-Match into the write's expected generation and tags a deployment with its generation", async () => {
    const got = await app.inject({ method: "GET", url: "/v1/deployments/default/web" });
    expect(got.headers.etag).toBe(`"${got.json().deployment.gen}"`);
    await authed({
      method: "POST",
      url: "/v1/deployments",
      headers: { "if-match": '"7"' },
      payload: { name: "web", command: ["x"] },
    });
    expect(sent.at(-1)?.body).toMatchObject({ name: "web", expectGeneration: 7 });
    await authed({
      method: "POST",
      url: "/v1/deployments/default/web/scale",
      headers: { "if-match": 'W/"3"' },
      payload: { replicas: 2 },
    });
    expect(sent.at(-1)?.body).toEqual({ namespace: "default", name: "web", replicas: 2, expectGeneration: 3 });
    const bad = await authed({
      method: "POST",
      url: "/v1/deployments",
      headers: { "if-match": "*" },
      payload: { name: "web", command: ["x"] },
    });
    expect(bad.json()).toMatchObject({ ok: false, code: "VALIDATION_FAILED", field: "If-Match" });
  });

  it("serves health and metrics", async () => {
    expect((await app.inject({ method: "GET", url: "/healthz" })).json()).toMatchObject({ ok: true });
    expect((await app.inject({ method: "GET", url: "/metrics" })).statusCode).toBe(200);
  });
});

describe("registry API without Redis", () => {
  it("answers 503 STORE_UNAVAILABLE", async () => {
    const dead = new RedisStore({ url: "redis://127.0.0.1:1", prefix: uniquePrefix() });
    const a = buildApi({ store: dead, intake, metrics: new Registry() });
    const res = await a.inject({ method: "GET", url: "/v1/deployments" });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ ok: false, code: "STORE_UNAVAILABLE", retryable: true });
    await a.close();
    dead.redis.disconnect();
  });
});
