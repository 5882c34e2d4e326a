/**
 * API writes need the bearer token (issue 15, point 3): 401 without one, 403 with a wrong one or when the registry
 * has none configured; a refused write reaches nothing and creates nothing. Reads stay open. The body limit (413)
 * and content type (415) still hold for authorised writes, all in the structured error shape.
 */
import { manifestSchema, validate } from "@tug/contracts";
import { RedisStore } from "@tug/state";
import { startRedis, type ServerHandle, uniquePrefix } from "@tug/testkit";
import type { FastifyInstance } from "fastify";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApi, type Intake } from "../src/api.js";
import { bearerOf } from "../src/auth.js";

const TOKEN = "right-token-0123456789abcdef";
let redis: ServerHandle;
let store: RedisStore;
let app: FastifyInstance;
let closed: FastifyInstance;
const forwarded: string[] = [];
/** An intake that does what the controller would: an apply creates the deployment in Redis. */
const intake: Intake = {
  request: async <T>(subject: string, _kind: string, body: unknown) => {
    forwarded.push(subject);
    if (subject.endsWith(".apply")) await store.applyDeployment(validate(manifestSchema, body, "manifest"));
    return { ok: true, id: "default/web", revision: 1 } as T;
  },
};
const manifest = { name: "web", command: ["node", "x.js"], replicas: 1 };
const shape = (code: string) => ({ ok: false, code, message: expect.any(String), retryable: false });

beforeAll(async () => {
  redis = await startRedis();
  store = new RedisStore({ url: redis.url, prefix: uniquePrefix("auth") });
  app = buildApi({ store, intake, metrics: new Registry(), token: TOKEN });
  closed = buildApi({ store, intake, metrics: new Registry() });
});
afterAll(async () => {
  await app.close();
  await closed.close();
  await store.close();
  await redis.stop();
});

const post = (a: FastifyInstance, url: string, headers: Record<string, string>, payload: unknown = manifest) =>
  a.inject({ method: "POST", url, headers: { "content-type": "application/json", ...headers }, payload } as never);

describe("API write token", () => {
  it("401 without a token, 403 with a wrong one; nothing is forwarded and nothing is created", async () => {
    const none = await post(app, "/v1/deployments", {});
    expect(none.statusCode).toBe(401);
    expect(none.json()).toEqual({ ...shape("UNAUTHENTICATED"), field: "authorization" });
    const basic = await post(app, "/v1/deployments", { authorization: "Basic dXNlcjpwYXNz" });
    expect(basic.statusCode).toBe(401);
    const wrong = await post(app, "/v1/deployments", { authorization: "Bearer right-token-0123456789abcdeX" });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json()).toEqual({ ...shape("FORBIDDEN"), field: "authorization" });
    for (const url of ["/v1/deployments/default/web/scale", "/v1/deployments/default/web/rollback"])
      expect((await post(app, url, {}, { replicas: 3 })).statusCode).toBe(401);
    expect((await app.inject({ method: "DELETE", url: "/v1/deployments/default/web" })).statusCode).toBe(401);
    expect((await app.inject({ method: "PATCH", url: "/v1/deployments/default/web" })).statusCode).toBe(401);
    expect(forwarded).toEqual([]);
    expect(await store.deployments()).toEqual([]);
  });

  it("refuses every write when the registry has no token configured", async () => {
    const r = await post(closed, "/v1/deployments", { authorization: `Bearer ${TOKEN}` });
    expect(r.statusCode).toBe(403);
    expect(r.json().message).toMatch(/without an API token/);
    expect(forwarded).toEqual([]);
    expect(await store.deployments()).toEqual([]);
  });

  it("an unauthenticated oversized body is refused before it is read (401, not 413)", async () => {
    const big = JSON.stringify({ ...manifest, pad: "a".repeat(2 << 20) });
    expect((await post(app, "/v1/deployments", {}, big)).statusCode).toBe(401);
  });

  it("with the right token: 413 over the body limit, 415 for non-JSON, then the write goes through", async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const big = JSON.stringify({ ...manifest, pad: "a".repeat(2 << 20) });
    const tooLarge = await post(app, "/v1/deployments", auth, big);
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json()).toEqual(shape("PAYLOAD_TOO_LARGE"));
    const yaml = await post(app, "/v1/deployments", { ...auth, "content-type": "application/yaml" }, "name: web");
    expect(yaml.statusCode).toBe(415);
    expect(yaml.json()).toEqual(shape("UNSUPPORTED_MEDIA_TYPE"));
    expect(await store.deployments()).toEqual([]);
    const ok = await post(app, "/v1/deployments", { authorization: `bearer  ${TOKEN}` });
    expect(ok.statusCode).toBe(200);
    expect(forwarded).toEqual(["tug.v1.desired.apply"]);
    expect((await store.deployments()).map((d) => d.id)).toEqual(["default/web"]);
  });

  it("reads stay open without a token", async () => {
    for (const url of ["/v1/deployments", "/v1/nodes", "/v1/replicas", "/v1/events", "/healthz"])
      expect((await app.inject({ method: "GET", url })).statusCode, url).toBe(200);
  });

  it("parses only well-formed bearer headers", () => {
    expect(bearerOf("Bearer abc")).toBe("abc");
    expect(bearerOf("bearer\tabc ")).toBe("abc");
    expect(bearerOf("Bearer")).toBeUndefined();
    expect(bearerOf("Bearer a b")).toBeUndefined();
    expect(bearerOf(undefined)).toBeUndefined();
  });
});
