/**
 * Sentinels that require a password (`tug up --ha`, issue 15) against a real Sentinel: without it a client learns
 * nothing (no primary, no replicas) and a store cannot find the primary; with it, all of that works. A second
 * password added beside the first (as `tug rotate redis` does) works too, and once the first is removed by its hash
 * only the new one does.
 */
import {
  addPasswords,
  passwordHash,
  passwordHashesOn,
  RedisStore,
  removePasswordHashes,
  sentinelAuth,
  sentinelKnows,
  sentinelPrimary,
} from "@tug/state";
import { eventually, startRedis, startSentinel, type ServerHandle, uniquePrefix } from "@tug/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PASSWORD = "sentinel-secret-0123456789";
let primary: ServerHandle;
let sentinel: ServerHandle;
const stores: RedisStore[] = [];
const list = () => `127.0.0.1:${sentinel.port}`;
const at = () => ({ host: "127.0.0.1", port: sentinel.port });

beforeAll(async () => {
  primary = await startRedis();
  sentinel = await startSentinel(primary.port, "tug", PASSWORD);
  await eventually(
    async () => expect((await sentinelPrimary(list(), "tug", 1_000, PASSWORD))?.port).toBe(primary.port),
    {
      timeoutMs: 20_000,
    },
  );
}, 60_000);
afterAll(async () => {
  for (const s of stores) await s.close();
  await sentinel?.stop();
  await primary?.stop();
});

describe("Sentinels with a password", () => {
  it("tell nothing to a client without it, everything to one with it", async () => {
    expect(await sentinelPrimary(list(), "tug", 1_000)).toBeUndefined();
    expect(await sentinelPrimary(list(), "tug", 1_000, "wrong-password-123456")).toBeUndefined();
    expect(await sentinelKnows("127.0.0.1", sentinel.port, "tug", 1_000)).toBeUndefined();
    expect(await sentinelKnows("127.0.0.1", sentinel.port, "tug", 1_000, PASSWORD)).toEqual({
      replicas: 0,
      sentinels: 0,
    });
  });

  it("lead a store to the primary only with the password", async () => {
    const prefix = uniquePrefix("sentinel-auth");
    const open = new RedisStore({ url: "", sentinels: list(), masterName: "tug", sentinelPassword: PASSWORD, prefix });
    stores.push(open);
    await open.ready(10_000);
    expect(await open.deploymentIds()).toEqual([]);
    const shut = new RedisStore({ url: "", sentinels: list(), masterName: "tug", prefix });
    stores.push(shut);
    await expect(shut.ready(2_000)).rejects.toThrow();
  });

  it("take a second password beside the first, and only it once the first is removed", async () => {
    const next = "sentinel-next-0123456789";
    await addPasswords(at(), sentinelAuth(PASSWORD), { default: next });
    expect((await sentinelPrimary(list(), "tug", 1_000, next))?.port).toBe(primary.port);
    expect((await sentinelPrimary(list(), "tug", 1_000, PASSWORD))?.port).toBe(primary.port);
    const hashes = await passwordHashesOn(at(), sentinelAuth(next), "default");
    expect(hashes.sort()).toEqual([passwordHash(PASSWORD), passwordHash(next)].sort());
    await removePasswordHashes(at(), sentinelAuth(next), { default: [passwordHash(PASSWORD)] });
    expect(await sentinelPrimary(list(), "tug", 1_000, PASSWORD)).toBeUndefined();
    expect((await sentinelPrimary(list(), "tug", 1_000, next))?.port).toBe(primary.port);
  });
});
