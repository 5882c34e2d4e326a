/**
 * Watches woken by hints: with the safety-net poll set to a minute, only a hint can end a blocking query or move
 * the SSE stream within the test's patience. Real redis-server; the hints come from an in-memory source.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manifestSchema, subjects, validate } from "@tug/contracts";
import { RedisStore } from "@tug/state";
import { eventually, fakeHeartbeat, runReplica, startRedis, type ServerHandle, uniquePrefix } from "@tug/testkit";
import { Registry } from "prom-client";
import type { FastifyInstance } from "fastify";
import { buildApi, type Intake } from "../src/api.js";
import type { HintSource } from "../src/watch/feed.js";

let redis: ServerHandle;
let store: RedisStore;
let app: FastifyInstance;
let base: string;
const handlers = new Map<string, Set<() => void>>();
const hints: HintSource = {
  subscribe(subject, handler) {
    if (!handlers.has(subject)) handlers.set(subject, new Set());
    handlers.get(subject)!.add(handler);
    return { unsubscribe: () => handlers.get(subject)!.delete(handler) };
  },
};
const hint = () => {
  for (const h of handlers.get(subjects.hintAll("endpoints")) ?? []) h();
};
const intake: Intake = { request: async <T>() => ({ ok: true }) as T };

/** Replica `id` of web Running on n1 at `port`, ready or not (created on first use). */
const ready = (id: string, port: number, isReady = true) =>
  runReplica(store, id, port, { cpuMillis: 1, ready: isReady });

/** An event's JSON data as the tests read it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- SSE payloads of several shapes, checked by each test
type SseData = any;

/** Reads SSE events from a stream until `until` says stop (bounded by `timeoutMs`). */
async function readEvents(
  res: Response,
  until: (events: Array<{ event: string; data: SseData }>) => boolean,
  timeoutMs = 10_000,
) {
  const reader = res.body!.getReader();
  const events: Array<{ event: string; data: SseData }> = [];
  const dec = new TextDecoder();
  let buf = "";
  const deadline = Date.now() + timeoutMs;
  while (!until(events) && Date.now() < deadline) {
    const chunk = await Promise.race([
      reader.read(),
      new Promise<{ done: true; value: undefined }>((r) =>
        setTimeout(() => r({ done: true, value: undefined }), deadline - Date.now()),
      ),
    ]);
    if (chunk.done) break;
    buf += dec.decode(chunk.value, { stream: true });
    let i: number;
    while ((i = buf.indexOf("\n\n")) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const ev = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (ev && data) events.push({ event: ev, data: JSON.parse(data) });
    }
  }
  return { events, reader };
}

beforeAll(async () => {
  redis = await startRedis();
  store = new RedisStore({ url: redis.url, prefix: uniquePrefix("watch") });
  app = buildApi({
    store,
    intake,
    metrics: new Registry(),
    hints,
    watchPollMs: 60_000,
    watchLimits: { maxStreams: 2 },
  });
  await store.applyDeployment(
    validate(manifestSchema, {
      name: "web",
      command: ["x"],
      replicas: 3,
      ports: [{ containerPort: 80, published: 18123 }],
    }),
  );
  await store.heartbeatNode(fakeHeartbeat());
  await ready("r1", 20001);
  base = await app.listen({ host: "127.0.0.1", port: 0 });
});
afterAll(async () => {
  const open = await fetch(`${base}/v1/watch?snapshot=0`);
  const text = open.text();
  await app.close();
  expect(await text).toMatch(/^: tugboat endpoint watch/); // the stream ended when the server closed

  await store.close();
  await redis.stop();
});

describe("watches woken by hints", () => {
  it("a blocking query returns within moments of a hint (the poll is a minute)", async () => {
    const first = (await (await fetch(`${base}/v1/services/default/web`)).json()) as {
      index: number;
      ports: unknown[];
    };
    expect(first.ports).toMatchObject([{ containerPort: 80, published: 18123 }]);
    const started = Date.now();
    const watch = fetch(`${base}/v1/services/default/web?watch=1&index=${first.index}&timeout=30`);
    await new Promise((r) => setTimeout(r, 200));
    await ready("r2", 20002);
    hint();
    const body = (await (await watch).json()) as { index: number; endpoints: Array<{ port: number }> };
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(body.index).toBeGreaterThan(first.index);
    expect(body.endpoints.map((e) => e.port)).toEqual([20001, 20002]);
  });

  it("GET /v1/watch streams a snapshot, then one event per change", async () => {
    const res = await fetch(`${base}/v1/watch`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    const snap = await readEvents(res, (ev) => ev.length >= 1);
    expect(snap.events[0]).toMatchObject({ event: "endpoints", data: { namespace: "default", name: "web" } });
    expect(snap.events[0]!.data.endpoints).toHaveLength(2);
    await ready("r2", 20002, false);
    hint();
    const next = await readEvents2(snap.reader, (ev) => ev.some((e) => e.data.endpoints?.length === 1));
    expect(next.at(-1)).toMatchObject({ event: "endpoints", data: { endpoints: [{ port: 20001 }] } });
    snap.reader.releaseLock();
    await res.body!.cancel();
  });

  it("refuses streams past the limit with OVERLOADED, and frees the slot when a client leaves", async () => {
    const a = new AbortController();
    const open = [
      await fetch(`${base}/v1/watch?snapshot=0`, { signal: a.signal }),
      await fetch(`${base}/v1/watch?snapshot=0`, { signal: a.signal }),
    ];
    expect(open.map((r) => r.status)).toEqual([200, 200]);
    const third = await fetch(`${base}/v1/watch`);
    expect(third.status).toBe(503);
    expect(await third.json()).toMatchObject({ ok: false, code: "OVERLOADED", retryable: true });
    a.abort();
    await eventually(
      async () => {
        const r = await fetch(`${base}/v1/watch?snapshot=0&timeout=1`);
        expect(r.status).toBe(200);
        await r.text();
      },
      { timeoutMs: 5_000 },
    );
    expect((await fetch(`${base}/v1/watch?timeout=0`)).status).toBe(400);
  });
});

describe("GET /v1/watch?view=cluster (the dashboard's stream)", () => {
  it("starts with every object, then sends only what changed, woken by a hint", async () => {
    const res = await fetch(`${base}/v1/watch?view=cluster`);
    const snap = await readEvents(res, (ev) => ev.length >= 1);
    const first = snap.events[0]!;
    expect(first.event).toBe("cluster");
    expect(first.data.full).toBe(true);
    expect(first.data.deployments.upsert.map((d: { id: string }) => d.id)).toEqual(["default/web"]);
    expect(first.data.nodes.upsert.map((n: { id: string }) => n.id)).toEqual(["n1"]);
    const ids = first.data.replicas.upsert.map((r: { id: string }) => r.id).sort();
    expect(ids).toEqual(["r1", "r2"]);
    expect(first.data.events.length).toBeGreaterThan(0);
    const started = Date.now();
    await ready("r3", 20003);
    for (const h of handlers.get(subjects.hintAll("replica")) ?? []) h();
    const next = await readEvents2(snap.reader, (ev) => ev.some((e) => e.data.replicas?.upsert.length > 0));
    expect(Date.now() - started).toBeLessThan(5_000); // the safety-net poll is 5 s: only the hint is this quick
    const delta = next.at(-1)!.data;
    expect(delta.full).toBe(false);
    expect(delta.replicas.upsert.map((r: { id: string }) => r.id)).toEqual(["r3"]); // r1 and r2 did not change
    expect(delta.services.upsert[0].endpoints.map((e: { port: number }) => e.port)).toContain(20003);
    expect(delta.events.some((e: { object: string }) => e.object === "r3")).toBe(true);
    snap.reader.releaseLock();
    await res.body!.cancel();
  });
});

/** Continues reading events from an already-open reader. */
async function readEvents2(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  until: (events: Array<{ event: string; data: SseData }>) => boolean,
) {
  const fake = { body: { getReader: () => reader } } as unknown as Response;
  return (await readEvents(fake, until)).events;
}
