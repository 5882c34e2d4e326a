/**
 * What the dashboard needs from the registry besides its stream: its static files at `GET /` (strict paths, a
 * structured 404 naming the build step when it is not built), and the actions it sends with the token (node
 * cordon/uncordon/drain, replica restart), forwarded to the intake like the CLI's requests.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RedisStore } from "@tug/state";
import { startRedis, type ServerHandle, uniquePrefix } from "@tug/testkit";
import type { FastifyInstance } from "fastify";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApi, type Intake } from "../src/api.js";

const TOKEN = "dashboard-token-0123456789";
let redis: ServerHandle;
let store: RedisStore;
let app: FastifyInstance;
let unbuilt: FastifyInstance;
let uiDir: string;
const sent: Array<{ subject: string; body: unknown }> = [];
const intake: Intake = {
  request: async <T>(subject: string, _kind: string, body: unknown) => {
    sent.push({ subject, body });
    return { ok: true, id: "x", revision: 0 } as T;
  },
};

beforeAll(async () => {
  redis = await startRedis();
  store = new RedisStore({ url: redis.url, prefix: uniquePrefix("dash") });
  uiDir = mkdtempSync(join(tmpdir(), "tug-ui-"));
  mkdirSync(join(uiDir, "assets"));
  writeFileSync(join(uiDir, "index.html"), "<!doctype html><title>Tugboat</title>");
  writeFileSync(join(uiDir, "assets", "index-AbC_1.js"), "console.log(1)");
  app = buildApi({ store, intake, metrics: new Registry(), token: TOKEN, uiDir });
  unbuilt = buildApi({ store, intake, metrics: new Registry(), uiDir: join(uiDir, "nothing") });
});
afterAll(async () => {
  await app.close();
  await unbuilt.close();
  await store.close();
  await redis.stop();
  rmSync(uiDir, { recursive: true, force: true });
});

describe("dashboard files", () => {
  it("serves index.html at / and hashed assets, with their content types", async () => {
    const page = await app.inject({ method: "GET", url: "/" });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    expect(page.body).toContain("<title>Tugboat</title>");
    const js = await app.inject({ method: "GET", url: "/assets/index-AbC_1.js" });
    expect(js.headers["content-type"]).toMatch(/^text\/javascript/);
    expect(js.headers["cache-control"]).toContain("immutable");
  });

  it("answers anything else under /assets with a structured 404", async () => {
    for (const url of ["/assets/..%2Findex.html", "/assets/missing.js", "/assets/index.html", "/assets/a%2Fb.js"]) {
      const r = await app.inject({ method: "GET", url });
      expect(r.statusCode, url).toBe(404);
      expect(r.json(), url).toMatchObject({ ok: false, code: "NOT_FOUND" });
    }
  });

  it("says how to build the dashboard when it is not built", async () => {
    const r = await unbuilt.inject({ method: "GET", url: "/" });
    expect(r.statusCode).toBe(404);
    expect(r.json().message).toMatch(/npm run build/);
  });
});

describe("dashboard actions", () => {
  const post = (url: string, token = TOKEN) =>
    app.inject({ method: "POST", url, headers: { authorization: `Bearer ${token}` } });

  it("forwards node cordon, uncordon and drain, and replica restart, to the intake", async () => {
    for (const action of ["cordon", "uncordon", "drain"]) {
      expect((await post(`/v1/nodes/node-1/${action}`)).statusCode).toBe(200);
      expect(sent.at(-1)).toEqual({ subject: `tug.v1.desired.${action}`, body: { node: "node-1" } });
    }
    expect((await post("/v1/replicas/web-1-abcde/restart")).statusCode).toBe(200);
    expect(sent.at(-1)).toEqual({ subject: "tug.v1.desired.restart", body: { replica: "web-1-abcde" } });
  });

  it("refuses unknown actions and bad ids with VALIDATION_FAILED, and anything without the token", async () => {
    const count = sent.length;
    expect((await post("/v1/nodes/node-1/explode")).json()).toMatchObject({ code: "VALIDATION_FAILED" });
    expect((await post("/v1/nodes/no%20de/drain")).json()).toMatchObject({ code: "VALIDATION_FAILED" });
    expect((await post("/v1/replicas/a.b/restart")).json()).toMatchObject({ code: "VALIDATION_FAILED" });
    expect((await post("/v1/nodes/node-1/drain", "wrong-token-0123456789")).statusCode).toBe(403);
    expect((await app.inject({ method: "POST", url: "/v1/replicas/r1/restart" })).statusCode).toBe(401);
    expect(sent.length).toBe(count);
  });
});
