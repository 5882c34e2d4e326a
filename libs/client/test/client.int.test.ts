/** @tug/client against the real registry API (Fastify on loopback) over a real redis-server. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manifestSchema, validate } from "@tug/contracts";
import { RedisStore } from "@tug/state";
import {
  eventually,
  fakeHeartbeat,
  freePort,
  runReplica,
  startRedis,
  type ServerHandle,
  uniquePrefix,
} from "@tug/testkit";
import { Registry } from "prom-client";
import type { FastifyInstance } from "fastify";
import { buildApi } from "../../../services/registry/src/api.js";
import { resolve, RoundRobinPicker, type ServiceEndpoint, watch } from "../src/index.js";

let redis: ServerHandle;
let store: RedisStore;
let app: FastifyInstance;
let api: string;

/** Replica `id` of web Running on n1 at `port`, ready or not (created on first use). */
const ready = (id: string, port: number, isReady = true) =>
  runReplica(store, id, port, { cpuMillis: 1, ready: isReady });

beforeAll(async () => {
  redis = await startRedis();
  store = new RedisStore({ url: redis.url, prefix: uniquePrefix("client") });
  app = buildApi({
    store,
    intake: { request: async <T>() => ({ ok: true }) as T },
    metrics: new Registry(),
    watchPollMs: 20,
  });
  await store.applyDeployment(validate(manifestSchema, { name: "web", command: ["x"], replicas: 3 }));
  await store.heartbeatNode(fakeHeartbeat());
  await ready("r1", 20001);
  await ready("r2", 20002);
  api = await app.listen({ host: "127.0.0.1", port: 0 });
});
afterAll(async () => {
  await app.close();
  await store.close();
  await redis.stop();
});

describe("@tug/client against the registry", () => {
  it("resolves ready endpoints; unknown names and a dead registry give structured errors", async () => {
    const eps = await resolve("web", { api });
    expect(eps.map((e) => e.port)).toEqual([20001, 20002]);
    expect((await resolve("web.default.svc.tug.internal", { api })).length).toBe(2);
    await expect(resolve("ghost", { api })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(resolve("Bad!", { api })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(
      resolve("web", { api: `http://127.0.0.1:${await freePort()}`, timeoutMs: 2_000 }),
    ).rejects.toMatchObject({ code: expect.stringMatching(/STORE_UNAVAILABLE|BUS_UNAVAILABLE/) });
  });

  it("watch delivers the current set, then every change, and ends on abort", async () => {
    const seen: ServiceEndpoint[][] = [];
    const picker = new RoundRobinPicker();
    const ac = new AbortController();
    const done = watch(
      "web",
      (eps) => {
        seen.push(eps);
        picker.update(eps);
      },
      { api, signal: ac.signal, waitSeconds: 30 },
    );
    await eventually(() => expect(seen).toHaveLength(1));
    expect(picker.size).toBe(2);
    await ready("r3", 20003);
    await eventually(() => expect(seen.at(-1)!.map((e) => e.port)).toEqual([20001, 20002, 20003]));
    await ready("r1", 20001, false);
    await eventually(() => expect(seen.at(-1)!.map((e) => e.port)).toEqual([20002, 20003]));
    expect(new Set([picker.next()!.port, picker.next()!.port])).toEqual(new Set([20002, 20003]));
    const t = Date.now();
    ac.abort();
    await done;
    expect(Date.now() - t).toBeLessThan(2_000);
  });

  it("watch retries while the registry is unreachable and gives up after maxFailures", async () => {
    const errors: string[] = [];
    const port = await freePort();
    await expect(
      watch("web", () => {}, {
        api: `http://127.0.0.1:${port}`,
        signal: new AbortController().signal,
        maxFailures: 3,
        onError: (e) => errors.push(e.code),
      }),
    ).rejects.toBeDefined();
    expect(errors).toHaveLength(3);
  });
});
