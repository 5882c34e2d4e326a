/**
 * HTTP fuzz: thousands of random and mutated requests (methods, paths, query strings, bodies, content types) to
 * the registry API through `app.inject()` over a real redis-server. Every answer must be either a success or a
 * structured error body; a 5xx must still be structured; nothing may crash or hang (blocking queries and watch
 * streams are allowed to wait — that is their job — and are ended by close()). Each request carries no token, the
 * valid one, a wrong one or a malformed Authorization header: no answer may be a 5xx, and the intake (where every
 * write goes) may hear only from requests with the valid token.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manifestSchema, validate } from "@tug/contracts";
import { RedisStore } from "@tug/state";
import { startRedis, type ServerHandle, uniquePrefix } from "@tug/testkit";
import { Registry } from "prom-client";
import type { FastifyInstance } from "fastify";
import { buildApi, type Intake } from "../src/api.js";

const RUNS = 10_000;
const CONCURRENCY = 16;
const TOKEN = "fuzz-token-0123456789";
let redis: ServerHandle;
let store: RedisStore;
let app: FastifyInstance;
/** The Authorization header of the request being answered, and the headers of every request the intake heard. */
const current = new AsyncLocalStorage<string | undefined>();
const heard: Array<string | undefined> = [];
const intake: Intake = {
  request: async <T>() => {
    heard.push(current.getStore());
    return { ok: true, revision: 1 } as T;
  },
};
const AUTH = [undefined, `Bearer ${TOKEN}`, "Bearer not-the-token", "Basic Zm9vOmJhcg==", "Bearer", `bearer  ${TOKEN}`];

const SEED_PATHS = [
  "/v1/services",
  "/v1/services/default/web",
  "/v1/services/default/web?watch=1&index=0&timeout=1",
  "/v1/watch?snapshot=0&timeout=1",
  "/v1/deployments",
  "/v1/deployments/default/web",
  "/v1/deployments/default/web/scale",
  "/v1/deployments/default/web/rollback",
  "/v1/replicas?deployment=default/web",
  "/v1/nodes",
  "/v1/events?since=0&limit=5",
  "/healthz",
  "/metrics",
];
const chars = fc.constantFrom(..."/?&=%.#-_~aZ09 \u00e9\u0000\uffff[]{}\"'\\;:".split(""));
const junk = fc.array(chars, { maxLength: 40 }).map((a) => a.join(""));
const path = fc.oneof(
  fc.constantFrom(...SEED_PATHS),
  fc.tuple(fc.constantFrom(...SEED_PATHS), fc.nat(60), junk).map(([p, at, s]) => p.slice(0, at) + s + p.slice(at)),
  fc
    .tuple(fc.constantFrom(...SEED_PATHS), fc.dictionary(junk, junk, { maxKeys: 4 }))
    .map(([p, q]) => `${p.split("?")[0]}?${new URLSearchParams(q)}`),
  junk.map((s) => `/${s}`),
);
const body = fc.oneof(
  fc.constant(undefined),
  fc.json().map((j) => ({ type: "application/json", payload: j })),
  fc.jsonValue().map((j) => ({ type: "application/json", payload: JSON.stringify(j) })),
  fc
    .record({ replicas: fc.oneof(fc.integer(), fc.string(), fc.double()), toRevision: fc.anything() })
    .map((j) => ({ type: "application/json", payload: JSON.stringify(j) })),
  junk.map((s) => ({
    type: fc.sample(
      fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", "application/msgpack"),
      1,
    )[0]!,
    payload: s,
  })),
);
const request = fc.record({
  method: fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"),
  url: path,
  body,
  auth: fc.constantFrom(...AUTH),
});
const valid = (auth: string | undefined) => auth !== undefined && auth.endsWith(` ${TOKEN}`);

beforeAll(async () => {
  redis = await startRedis();
  store = new RedisStore({ url: redis.url, prefix: uniquePrefix("fuzz") });
  const o = { store, intake, metrics: new Registry(), watchPollMs: 200, watchLimits: { maxStreams: 50 }, token: TOKEN };
  app = buildApi(o);
  // each request's Authorization header stays with it through its handler (as @fastify/request-context does)
  app.addHook("onRequest", (req, _reply, done) => current.run(req.headers.authorization, done));
  await store.applyDeployment(validate(manifestSchema, { name: "web", command: ["x"], replicas: 1 }));
});
afterAll(async () => {
  await app.close();
  await store.close();
  await redis.stop();
});

describe("registry HTTP fuzz", () => {
  it(`answers ${RUNS} random and mutated requests, with and without tokens, with success or a structured 4xx`, async () => {
    const inputs = fc.sample(request, { numRuns: RUNS, seed: 4242 });
    let answered = 0;
    let waiting = 0;
    let unsendable = 0;
    const statuses: Record<string, number> = {};
    const one = async (r: (typeof inputs)[number]) => {
      const headers: Record<string, string> = {};
      if (r.auth !== undefined) headers.authorization = r.auth;
      if (r.body) headers["content-type"] = r.body.type;
      const call = app.inject({
        method: r.method as "GET",
        url: r.url,
        headers,
        ...(r.body ? { payload: r.body.payload } : {}),
      });
      let res: Awaited<typeof call> | undefined;
      try {
        res = await Promise.race([call, new Promise<undefined>((ok) => setTimeout(() => ok(undefined), 3_000))]);
      } catch (err) {
        // light-my-request refuses URLs no HTTP client could put on a request line; they never reach the server
        expect(String(err)).toMatch(/Invalid URL/);
        unsendable++;
        return;
      }
      if (!res) {
        // only blocking queries and watch streams may wait; anything else is a hang
        expect(r.url, `request hung: ${r.method} ${r.url}`).toMatch(/watch/);
        waiting++;
        return;
      }
      answered++;
      statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
      if (res.statusCode >= 400 && r.method !== "HEAD") {
        const b = JSON.parse(res.body) as { ok?: boolean; code?: string; message?: string };
        expect(b, `${r.method} ${r.url} → ${res.statusCode} ${res.body.slice(0, 200)}`).toMatchObject({
          ok: false,
          code: expect.any(String),
          message: expect.any(String),
        });
        expect(res.statusCode === 500 && b.code === "INTERNAL", `${r.method} ${r.url} → INTERNAL: ${b.message}`).toBe(
          false,
        );
      }
      expect(res.statusCode, `${r.method} ${r.url} → ${res.statusCode} ${res.body.slice(0, 200)}`).toBeLessThan(500);
    };
    // CONCURRENCY requests in flight at once (blocking queries wait up to their timeout; in sequence they would
    // dominate the run); each request's token travels with it in `current`, so the intake check stays exact
    let next = 0;
    const lane = async () => {
      while (next < inputs.length) await one(inputs[next++]!);
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, lane));
    console.log(
      JSON.stringify({
        fuzz: "registry-http",
        inputs: inputs.length,
        answered,
        waiting,
        unsendable,
        writes: heard.length,
        statuses,
      }),
    );
    expect(answered + waiting + unsendable).toBe(RUNS);
    // every write the intake heard came with the valid token, and the writes with it did reach it
    expect(heard.filter((a) => !valid(a))).toEqual([]);
    expect(heard.length).toBeGreaterThan(10);
    expect(answered).toBeGreaterThan(RUNS * 0.9);
    expect((await app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
  }, 600_000);
});
