/**
 * The store's primary watch (issue 14) against a real Sentinel: a client connected to a server that answers as a
 * primary but is not the one the Sentinels name (an old primary back from a crash, not yet demoted) is dropped,
 * so it reconnects through the Sentinels; a client on the named primary is left alone. And a primary without its
 * replicas refuses even a script that would only read and fail, so a stale primary cannot answer NOT_FOUND.
 */
import { TugError } from "@tug/contracts";
import { RedisStore, sentinelPrimary, watchPrimary } from "@tug/state";
import { eventually, startRedis, startSentinel, type ServerHandle, uniquePrefix } from "@tug/testkit";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let primary: ServerHandle;
let stale: ServerHandle;
let sentinel: ServerHandle;
const clients: Redis[] = [];
const client = (url: string) => {
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  r.on("error", () => {});
  clients.push(r);
  return r;
};

beforeAll(async () => {
  primary = await startRedis();
  stale = await startRedis(["--min-replicas-to-write", "1"]);
  sentinel = await startSentinel(primary.port);
  await eventually(async () => expect((await sentinelPrimary(`127.0.0.1:${sentinel.port}`))?.port).toBe(primary.port), {
    timeoutMs: 20_000,
  });
}, 60_000);
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await sentinel?.stop();
  await stale?.stop();
  await primary?.stop();
});

describe("primary watch", () => {
  it("drops a connection to a primary the Sentinels do not name, and leaves one to the named primary", async () => {
    const sentinels = `127.0.0.1:${sentinel.port}`;
    const onStale: string[] = [];
    const onGood: string[] = [];
    const wrong = client(stale.url);
    const right = client(primary.url);
    await eventually(() => expect([wrong.status, right.status]).toEqual(["ready", "ready"]));
    const w1 = watchPrimary(wrong, sentinels, "tug", (why) => onStale.push(why), 60_000);
    const w2 = watchPrimary(right, sentinels, "tug", (why) => onGood.push(why), 60_000);
    try {
      await Promise.all([w1.check(), w2.check()]);
      expect(onStale).toEqual([
        `connected to 127.0.0.1:${stale.port}, but the Sentinels name 127.0.0.1:${primary.port} as the primary`,
      ]);
      expect(onGood).toEqual([]);
    } finally {
      w1.stop();
      w2.stop();
    }
  });

  it("a primary without its replicas refuses a script that would only find nothing (no stale NOT_FOUND)", async () => {
    const s = new RedisStore({ url: stale.url, prefix: uniquePrefix("stale") });
    try {
      const err = await s.scaleDeployment("default/missing", 3).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TugError);
      expect(`${(err as TugError).code}: ${(err as TugError).message}`).toMatch(/^STORE_UNAVAILABLE: NOREPLICAS/);
    } finally {
      await s.close();
    }
  });
});
