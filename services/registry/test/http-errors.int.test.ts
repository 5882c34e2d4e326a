/**
 * Every HTTP error body is `{ ok: false, code, message, retryable }`, including the errors Fastify and Node's HTTP
 * parser raise themselves: 431 (headers too large), 413 (body over the limit), 415 (not JSON), 400 (bad JSON), 404.
 * Over a real socket, since a 431 never reaches `inject()`.
 */
import { request } from "node:http";
import { RedisStore } from "@tug/state";
import { startRedis, type ServerHandle, uniquePrefix } from "@tug/testkit";
import type { FastifyInstance } from "fastify";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApi, type Intake } from "../src/api.js";

let redis: ServerHandle;
let store: RedisStore;
let app: FastifyInstance;
let port: number;
const TOKEN = "test-token-0123456789abcdef";
const auth = { authorization: `Bearer ${TOKEN}` };
const intake: Intake = { request: async <T>() => ({ ok: true, id: "default/web", revision: 1 }) as T };

beforeAll(async () => {
  redis = await startRedis();
  store = new RedisStore({ url: redis.url, prefix: uniquePrefix("http-errors") });
  app = buildApi({ store, intake, metrics: new Registry(), token: TOKEN });
  await app.listen({ host: "127.0.0.1", port: 0 });
  port = (app.server.address() as { port: number }).port;
});
afterAll(async () => {
  await app.close();
  await store.close();
  await redis.stop();
});

/** One raw HTTP request; resolves with the status and the parsed body. */
type Answer = { status: number; body: unknown };
function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const shape = (code: string) => ({ ok: false, code, message: expect.any(String), retryable: false });

describe("HTTP error bodies", () => {
  it("431 from the HTTP parser has the structured body", async () => {
    const r = await send("GET", "/v1/nodes", { "x-big": "a".repeat(64 * 1024) });
    expect(r).toEqual({ status: 431, body: shape("HEADERS_TOO_LARGE") });
  });

  it("413 for a body over the limit", async () => {
    const big = JSON.stringify({ name: "web", command: ["x"], pad: "a".repeat(2 << 20) });
    const r = await send("POST", "/v1/deployments", { ...auth, "content-type": "application/json" }, big);
    expect(r).toEqual({ status: 413, body: shape("PAYLOAD_TOO_LARGE") });
  });

  const types = ["text/plain", "application/yaml", "application/x-www-form-urlencoded"];
  it.each(types)("415 for a %s body", async (type) => {
    const r = await send("POST", "/v1/deployments", { ...auth, "content-type": type }, "name: web");
    expect(r).toEqual({ status: 415, body: shape("UNSUPPORTED_MEDIA_TYPE") });
    expect((r.body as { message: string }).message).toContain("application/json");
  });

  it("400 for bad JSON and 404 for an unknown route, in the same shape", async () => {
    const badJson = await send("POST", "/v1/deployments", { ...auth, "content-type": "application/json" }, "{nope");
    expect(badJson).toEqual({ status: 400, body: shape("BAD_ENCODING") });
    expect(await send("GET", "/v1/nothing", {})).toEqual({ status: 404, body: shape("NOT_FOUND") });
  });
});
