/**
 * The replicas a durable write waits for, against a real Sentinel (issue 14): every replica it knows, down too (with
 * `up`, one it sees down does not count); a durable write waits for each, connected to the primary or not.
 */
import { TugError, manifestSchema, validate } from "@tug/contracts";
import { attachedReplicas, PromotableReplicas, serverAddress, upAddresses, upIn, RedisStore } from "@tug/state";
import { eventually, startRedis, startSentinel, type ServerHandle, uniquePrefix } from "@tug/testkit";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let primary: ServerHandle;
let replica: ServerHandle;
let sentinel: ServerHandle;
let promotable: PromotableReplicas;
/** A store that writes durably to the primary, through the Sentinel, with WAIT bounded by `waitTimeoutMs`. */
function durableStore(name: string, waitTimeoutMs: number): RedisStore {
  const prefix = uniquePrefix(name);
  return new RedisStore({
    url: primary.url,
    sentinels: `127.0.0.1:${sentinel.port}`,
    masterName: "tug",
    prefix,
    waitReplicas: 1,
    waitTimeoutMs,
  });
}
/** The address a write on the primary excludes from the count. */
const onPrimary = () => `127.0.0.1:${primary.port}`;

beforeAll(async () => {
  primary = await startRedis(["--repl-diskless-sync-delay", "0"]);
  replica = await startRedis(["--replicaof", "127.0.0.1", String(primary.port)]);
  await eventually(async () => expect(await attachedReplicas("127.0.0.1", primary.port)).toBe(1), {
    timeoutMs: 30_000,
  });
  sentinel = await startSentinel(primary.port);
  promotable = new PromotableReplicas(`127.0.0.1:${sentinel.port}`, "tug", 100);
}, 60_000);
afterAll(async () => {
  promotable?.stop();
  replica?.proc.kill("SIGCONT");
  await sentinel?.stop();
  await replica?.stop();
  await primary?.stop();
});

describe("promotable replicas", () => {
  it("counts through a Sentinel that requires a password only with it (a poll refused counts nothing)", async () => {
    const guarded = await startSentinel(primary.port, "tug", "sentinel-pass-0123456789");
    const withPw = new PromotableReplicas(`127.0.0.1:${guarded.port}`, "tug", 100, () => "sentinel-pass-0123456789");
    const without = new PromotableReplicas(`127.0.0.1:${guarded.port}`, "tug", 100);
    try {
      await eventually(async () => expect(await withPw.count(onPrimary())).toBe(1), { timeoutMs: 30_000 });
      expect(await without.count(onPrimary())).toBe(0);
    } finally {
      withPw.stop();
      without.stop();
      await guarded.stop();
    }
  }, 60_000);

  it("reads SENTINEL REPLICAS: down, disconnected or failed-over replicas do not count", () => {
    const row = (flags: string) => ["name", "r", "ip", "127.0.0.1", "flags", flags];
    expect(upIn([row("slave"), row("slave,s_down"), row("slave,disconnected"), row("slave,promoted")])).toBe(2);
    expect(upIn("nonsense")).toBe(0);
    const at = (flags: string, port: number) => ["name", "r", "ip", "10.0.0.2", "port", String(port), "flags", flags];
    expect(upAddresses([at("slave", 6380), at("slave,s_down", 6381), at("slave", 6382)])).toEqual([
      "10.0.0.2:6380",
      "10.0.0.2:6382",
    ]);
    expect(upAddresses({})).toEqual([]);
  });

  it("counts the named primary too, never the server a write goes to (a Sentinel that missed a failover lists it)", async () => {
    await eventually(async () => expect(await promotable.count()).toBe(2), { timeoutMs: 30_000, intervalMs: 200 });
    // a write that reached the replica (as if it were a deposed primary) waits for the primary the Sentinel names
    expect(await promotable.count(`127.0.0.1:${replica.port}`)).toBe(1);
    expect(await promotable.count(onPrimary())).toBe(1);
    const client = new Redis(replica.url);
    try {
      await client.ping();
      expect(serverAddress(client)).toBe(`127.0.0.1:${replica.port}`);
    } finally {
      client.disconnect();
    }
    await eventually(() => expect(serverAddress(client)).toBeUndefined(), { timeoutMs: 5_000 });
  }, 60_000);

  it("counts every replica the Sentinel knows, down too; with `up`, not while it sees it down", async () => {
    const up = new PromotableReplicas(`127.0.0.1:${sentinel.port}`, "tug", 100, undefined, "up");
    try {
      // the Sentinel learns the replica from the primary's INFO (every 10 s)
      await eventually(async () => expect(await up.count(onPrimary())).toBe(1), { timeoutMs: 30_000, intervalMs: 200 });
      expect(await promotable.count(onPrimary())).toBe(1);
      replica.proc.kill("SIGSTOP");
      try {
        await eventually(async () => expect(await up.count(onPrimary())).toBe(0), {
          timeoutMs: 15_000,
          intervalMs: 200,
        });
        await promotable.poll();
        expect(await promotable.count(onPrimary())).toBe(1); // still known: a write waits for it
      } finally {
        replica.proc.kill("SIGCONT");
      }
      await eventually(async () => expect(await up.count(onPrimary())).toBe(1), { timeoutMs: 15_000, intervalMs: 200 });
    } finally {
      up.stop();
    }
  }, 60_000);

  it("refuses a durable write while a known replica is down, and acknowledges it once the replica is back", async () => {
    const store = durableStore("every", 300);
    try {
      await eventually(async () => store.applyDeployment(m("kept")), { timeoutMs: 30_000 });
      replica.proc.kill("SIGSTOP");
      try {
        expect(await refusal(store.applyDeployment(m("while-down")))).toMatch(
          /^STORE_UNAVAILABLE: .*reached 0 of the 1 replica/,
        );
      } finally {
        replica.proc.kill("SIGCONT");
      }
      await eventually(async () => store.applyDeployment(m("while-down")), { timeoutMs: 30_000 });
    } finally {
      await store.close();
    }
  }, 60_000);

  it("a known replica gone for good: writes wait for it until the Sentinel is told to forget it (SENTINEL RESET)", async () => {
    const gone = await startRedis(["--replicaof", "127.0.0.1", String(primary.port)]);
    const store = durableStore("forget", 300);
    const admin = new Redis(`redis://127.0.0.1:${sentinel.port}`);
    try {
      await eventually(async () => expect(await promotable.count(onPrimary())).toBe(2), {
        timeoutMs: 30_000,
        intervalMs: 200,
      });
      await gone.stop();
      expect(await refusal(store.applyDeployment(m("without-it")))).toMatch(/^STORE_UNAVAILABLE: /);
      expect(await admin.call("SENTINEL", "RESET", "tug")).toBe(1);
      await eventually(async () => store.applyDeployment(m("without-it")), { timeoutMs: 30_000 });
      // the live replica, rediscovered from the primary's INFO, counts again
      await eventually(async () => expect(await promotable.count(onPrimary())).toBe(1), {
        timeoutMs: 30_000,
        intervalMs: 200,
      });
    } finally {
      admin.disconnect();
      await store.close();
      await gone.stop();
    }
  }, 60_000);

  it("makes a durable write wait for a promotable replica the primary has lost", async () => {
    const second = await startRedis(["--replicaof", "127.0.0.1", String(primary.port)]);
    const store = durableStore("promotable", 500);
    try {
      await eventually(async () => expect(await promotable.count(onPrimary())).toBe(2), {
        timeoutMs: 30_000,
        intervalMs: 200,
      });
      await eventually(async () => store.applyDeployment(m("first")), { timeoutMs: 30_000 });
      // the second replica leaves the primary, as one being promoted by the Sentinels does, while they still count it:
      // one confirmation (the other replica's) is not enough, as the failover may pick the one that left
      const admin = new Redis(second.url);
      await admin.call("REPLICAOF", "NO", "ONE");
      admin.disconnect();
      expect(await refusal(store.applyDeployment(m("second")))).toMatch(
        /^STORE_UNAVAILABLE: .*reached 1 of the 2 replica/,
      );
    } finally {
      await store.close();
      await second.stop();
    }
  }, 60_000);
});

/** `CODE: message` of the error a write was refused with; "acknowledged" when it was not refused. */
function refusal(write: Promise<unknown>): Promise<string> {
  return write.then(
    () => "acknowledged",
    (e: unknown) => (e instanceof TugError ? `${e.code}: ${e.message}` : String(e)),
  );
}

function m(name: string) {
  return validate(manifestSchema, { name, command: ["x"], replicas: 1 });
}
