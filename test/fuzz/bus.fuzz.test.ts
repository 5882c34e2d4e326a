/**
 * Fuzz: ≥ 100,000 generated and mutated inputs over every bus subject (desired.* intake, node.*.heartbeat /
 * status / sync / metrics, events hints) against a real controller and health-monitor (in-process, real nats-server
 * and redis-server). Every request gets a structured error reply, nothing crashes, and Redis is unchanged.
 */
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { Bus } from "@tug/bus";
import { decode, ERROR_CODES, subjects } from "@tug/contracts";
import { silentLogger } from "@tug/log";
import { createMetrics } from "@tug/runtime";
import { readConfig } from "@tug/service";
import { RedisStore } from "@tug/state";
import { eventually, startServers, type TestServers, uniquePrefix } from "@tug/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildController } from "../../services/controller/src/service.js";
import { buildHealthMonitor } from "../../services/health-monitor/src/service.js";
import { sampleInputs } from "./inputs.js";

const TOTAL = 100_000;
const IN_FLIGHT = 256;

let servers: TestServers;
let store: RedisStore;
let raw: NatsConnection;
const buses: Bus[] = [];
const ac = new AbortController();

/** Every key under the prefix with its content (type-aware), as one comparable string. */
async function dump(): Promise<string> {
  const r = store.redis;
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await r.scan(cursor, "MATCH", `${store.k.prefix}:*`, "COUNT", 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== "0");
  const out: string[] = [];
  for (const k of keys.sort()) {
    const type = await r.type(k);
    if (type === "hash") out.push(`${k} ${JSON.stringify(Object.entries(await r.hgetall(k)).sort())}`);
    else if (type === "set") out.push(`${k} ${JSON.stringify((await r.smembers(k)).sort())}`);
    else if (type === "string") out.push(`${k} ${await r.get(k)}`);
    else if (type === "stream") out.push(`${k} len=${await r.xlen(k)}`);
    else out.push(`${k} ${type}`);
  }
  return out.join("\n");
}

beforeAll(async () => {
  servers = await startServers();
  store = new RedisStore({ url: servers.redis.url, prefix: uniquePrefix("fuzz") });
  const config = { ...readConfig("fuzz", {}), prefix: store.k.prefix };
  for (const [role, build] of [
    [
      "controller",
      (d: Parameters<typeof buildController>[0]) => buildController(d, { resyncMs: 1_000, progressMs: 200 }),
    ],
    [
      "health-monitor",
      (d: Parameters<typeof buildController>[0]) =>
        buildHealthMonitor(d, { nodeGraceMs: 2_000, lostGraceMs: 1_000, sweepMs: 200 }),
    ],
  ] as const) {
    const log = silentLogger();
    const metrics = createMetrics(role);
    const bus = await Bus.connect({ url: servers.nats.url, name: `fuzz-${role}`, log, metrics });
    buses.push(bus);
    for (const r of build({ config: { ...config, role }, log, metrics, bus, store }).runnables) void r.run(ac.signal);
  }
  raw = await connect({ servers: servers.nats.url });
  // a known state: one deployment (its replicas stay Pending: no scheduler, no nodes)
  const reply = decode(
    (
      await raw.request(
        subjects.desired("apply"),
        new TextEncoder().encode(
          JSON.stringify({
            name: "fz-app",
            replicas: 2,
            command: ["x"],
            strategy: { progressDeadlineSeconds: 86_400 },
          }),
        ),
        { timeout: 5_000 },
      )
    ).data,
  );
  expect(reply).toMatchObject({ ok: true });
}, 60_000);

afterAll(async () => {
  ac.abort();
  await raw?.close();
  for (const b of buses) await b.close();
  await store?.close();
  await servers?.stop();
});

describe("bus fuzz", () => {
  it(`${TOTAL.toLocaleString("en")} rejected inputs: structured errors, no crash, Redis unchanged`, async () => {
    const settled = async () => {
      const a = await dump();
      await new Promise((r) => setTimeout(r, 1_500));
      const b = await dump();
      expect(b).toBe(a);
      return a;
    };
    const before = await eventually(settled, { timeoutMs: 20_000, what: "steady state before the fuzz" });
    expect(before).toContain("fz-app");

    const inputs = sampleInputs(TOTAL, 8);
    const bad: string[] = [];
    let requests = 0;
    let published = 0;
    let next = 0;
    const t0 = Date.now();
    const worker = async () => {
      while (next < inputs.length) {
        const x = inputs[next++]!;
        if (!x.request) {
          raw.publish(x.subject, x.data);
          if (++published % 2_000 === 0) await raw.flush();
          continue;
        }
        requests++;
        try {
          const reply = decode((await raw.request(x.subject, x.data, { timeout: 10_000 })).data) as {
            ok?: unknown;
            code?: unknown;
            message?: unknown;
          };
          if (
            reply?.ok !== false ||
            typeof reply.code !== "string" ||
            !Object.hasOwn(ERROR_CODES, reply.code) ||
            typeof reply.message !== "string"
          ) {
            bad.push(`${x.subject}: ${JSON.stringify(reply).slice(0, 200)}`);
          }
        } catch (err) {
          bad.push(`${x.subject}: no reply (${(err as Error).message})`);
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    await raw.flush();
    console.log(
      `fuzz: ${inputs.length} inputs (${requests} requests, ${published} publishes) ` +
        `in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${bad.length} bad replies`,
    );
    expect(bad.slice(0, 20)).toEqual([]);

    const after = await eventually(settled, { timeoutMs: 20_000, what: "steady state after the fuzz" });
    expect(after).toBe(before);
    // both services still answer
    expect(
      decode(
        (
          await raw.request(
            subjects.desired("scale"),
            new TextEncoder().encode(JSON.stringify({ name: "fz-app", replicas: 2 })),
            { timeout: 5_000 },
          )
        ).data,
      ),
    ).toMatchObject({ ok: true });
    expect(
      decode(
        (
          await raw.request(
            subjects.nodeSync("fz-node"),
            new TextEncoder().encode(JSON.stringify({ node: "fz-node" })),
            { timeout: 5_000 },
          )
        ).data,
      ),
    ).toMatchObject({ ok: true, assignments: [] });
  }, 240_000);
});
