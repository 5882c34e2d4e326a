/**
 * serve with `concurrency`: at most that many handlers run at once, and a request that waited in the queue longer
 * than its sender waits (the envelope's ttlMs) is answered TIMEOUT at once and counted, never handled (an answer
 * frees the responder's reply permission in nats-server). A real nats-server.
 */
import { decode, encode, envelope } from "@tug/contracts";
import { silentLogger } from "@tug/log";
import { startNats, type ServerHandle } from "@tug/testkit";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bus } from "../src/bus.js";

let nats: ServerHandle;
let server: Bus;
let client: Bus;
const metrics = new Registry();

beforeAll(async () => {
  nats = await startNats();
  server = await Bus.connect({ url: nats.url, name: "served", log: silentLogger(), metrics });
  client = await Bus.connect({ url: nats.url, name: "client", log: silentLogger() });
});
afterAll(async () => {
  await client.close();
  await server.close();
  await nats.stop();
});

describe("bus serve with a concurrency bound", () => {
  it("runs at most N handlers at once and drops requests whose sender stopped waiting", async () => {
    let active = 0;
    let peak = 0;
    const handled: number[] = [];
    server.serve(
      "tug.v1.test.slow",
      async (body) => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 150));
        active--;
        handled.push((body as { i: number }).i);
        return { ok: true };
      },
      { concurrency: 2 },
    );
    await server.nc.flush();
    // 8 requests whose senders wait 400 ms: two slots of 150 ms each answer 4 or so; the rest expire in the queue
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => client.request("tug.v1.test.slow", "test", { i }, 400)),
    );
    const ok = results.filter((r) => r.status === "fulfilled").length;
    expect(ok).toBeGreaterThanOrEqual(2);
    expect(ok).toBeLessThan(8);
    // let whatever is still queued come up: it must be answered TIMEOUT, not handled
    await new Promise((r) => setTimeout(r, 1_000));
    expect(peak).toBe(2);
    expect(handled.length).toBeLessThan(8);
    const expired = (await metrics.getSingleMetric("tug_bus_requests_expired_total")!.get()).values[0]!.value;
    expect(expired).toBe(8 - handled.length);
  });

  it("answers TIMEOUT, without handling it, a request whose sender's wait ran out while it queued", async () => {
    let handled = 0;
    server.serve(
      "tug.v1.test.busy",
      async () => {
        handled++;
        await new Promise((r) => setTimeout(r, 300));
        return { ok: true };
      },
      { concurrency: 1 },
    );
    await server.nc.flush();
    const first = client.request("tug.v1.test.busy", "test", {}, 2_000);
    // its envelope says the sender waits 50 ms; the NATS request itself waits longer, to see the answer
    const raw = await client.nc.request("tug.v1.test.busy", encode(envelope("test", "t", {}, 50)), { timeout: 2_000 });
    expect(decode(raw.data)).toMatchObject({ ok: false, code: "TIMEOUT" });
    await first;
    expect(handled).toBe(1);
  });
});
