import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bus } from "@tug/bus";
import { silentLogger } from "@tug/log";
import { eventually, startServers, type TestServers, uniquePrefix } from "@tug/testkit";
import { createMetrics, serveHealth } from "@tug/runtime";
import { RedisStore } from "@tug/state";
import { readConfig, ServiceThread } from "../src/index.js";

const ECHO = new URL("./fixtures/echo-thread.mjs", import.meta.url);
let servers: TestServers;
let client: Bus;
let store: RedisStore;

beforeAll(async () => {
  servers = await startServers();
  client = await Bus.connect({ url: servers.nats.url, name: "thread-test", log: silentLogger() });
  store = new RedisStore({ url: servers.redis.url });
});
afterAll(async () => {
  await client.close();
  await store.close();
  await servers.stop();
});

/** Starts the echo thread over the test servers; collects what it posts. */
async function startEcho() {
  const prefix = uniquePrefix("thread");
  const env = { TUG_NATS_URL: servers.nats.url, TUG_REDIS_URL: servers.redis.url, TUG_PREFIX: prefix };
  const posted: unknown[] = [];
  const config = readConfig("controller", { ...env, TUG_LOG_LEVEL: "silent" });
  const thread = await ServiceThread.start(ECHO, "echo", config, silentLogger());
  thread.listen((m) => posted.push(m));
  return { prefix, thread, posted };
}

describe("ServiceThread", () => {
  it("serves on its own connections, posts to the main thread, and its metrics join the process's", async () => {
    const { prefix, thread, posted } = await startEcho();
    const reply = await client.request(`test.thread.${prefix}.echo`, "test", { n: 7 });
    expect(reply).toEqual({ ok: true, body: { n: 7 } });
    expect(JSON.parse((await store.redis.get(`${prefix}:echo`))!)).toEqual({ n: 7 });
    await eventually(() => expect(posted).toEqual([{ wrote: { n: 7 } }]));
    await eventually(() => expect(thread.healthy).toBe(true));

    const main = createMetrics("controller");
    const merged = await serveHealth({
      healthPort: 0,
      metrics: main,
      threadMetrics: async () => [await thread.metrics()],
    });
    try {
      const port = (merged.address() as { port: number }).port;
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      // the thread's bus timed the request; the main thread's own series stay (the start time among them)
      expect(text).toMatch(
        new RegExp(`tug_bus_request_seconds_count\\{[^}]*subject="test\\.thread\\.${prefix}\\.echo"`),
      );
      expect(text).toMatch(/^process_start_time_seconds\{role="controller"\} \d+/m);
    } finally {
      merged.close();
    }
    await thread.stop();
    expect(thread.healthy).toBe(false);
    await thread.stop();
  });

  it("reports a thread that ends unasked", async () => {
    const { prefix, thread } = await startEcho();
    await client.request(`test.thread.${prefix}.die`, "test", {}, 1_000).catch(() => undefined);
    expect(await thread.exited).toBe(3);
    expect(thread.healthy).toBe(false);
    await thread.stop(); // what the controller does next: it returns, though the thread is gone already
  });
});
