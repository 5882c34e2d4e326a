/**
 * Fencing and generation checks of the Lua transitions against a real redis-server: a leased role's write with a
 * token below the role's highest issued one is refused and changes nothing; scale, cordon and patch honour an
 * expected generation like the other transitions.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manifestSchema, validate } from "@tug/contracts";
import { RedisStore } from "@tug/state";
import { fakeHeartbeat, newReplica, startRedis, type ServerHandle, uniquePrefix } from "@tug/testkit";

let redis: ServerHandle;
const stores: RedisStore[] = [];
async function store(): Promise<RedisStore> {
  const s = new RedisStore({ url: redis.url, prefix: uniquePrefix("fence") });
  stores.push(s);
  await s.applyDeployment(validate(manifestSchema, { name: "web", command: ["x"], replicas: 2 }));
  return s;
}
const ID = "default/web";
const hb = fakeHeartbeat("n1", 1000);

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const s of stores) await s.close();
  await redis.stop();
});

describe("fencing tokens of leased roles", () => {
  it("refuses a scale by a holder whose lease a newer holder took, and changes nothing", async () => {
    const s = await store();
    const a = await s.acquireLease("autoscaler", "A", 50);
    await s.scaleDeployment(ID, 3, { fence: { role: "autoscaler", token: a.token } });
    await new Promise((r) => setTimeout(r, 80));
    const b = await s.acquireLease("autoscaler", "B", 5_000);
    expect(b.token).toBeGreaterThan(a.token);
    const before = await s.deployment(ID);
    const stale = s.scaleDeployment(ID, 7, { fence: { role: "autoscaler", token: a.token } });
    await expect(stale).rejects.toMatchObject({ code: "STALE_FENCING_TOKEN" });
    expect(await s.deployment(ID)).toMatchObject({ replicas: 3, gen: before!.gen });
    expect((await s.events()).filter((e) => e.reason === "Scaled")).toHaveLength(1);
    await s.scaleDeployment(ID, 5, { fence: { role: "autoscaler", token: b.token } });
    expect((await s.deployment(ID))?.replicas).toBe(5);
  });

  it("keeps each role's tokens apart", async () => {
    const s = await store();
    const mine = await s.acquireLease("autoscaler", "A", 5_000);
    for (let i = 0; i < 3; i++) await s.acquireLease(`other-${i}`, "B", 5_000);
    const other = await s.acquireLease("other", "B", 5_000);
    const own = s.scaleDeployment(ID, 4, { fence: { role: "autoscaler", token: mine.token } });
    await expect(own).resolves.toMatchObject({ unchanged: false });
    const others = s.scaleDeployment(ID, 6, { fence: { role: "other", token: other.token } });
    await expect(others).resolves.toMatchObject({ unchanged: false });
  });
});

describe("generation checks", () => {
  it("scaleDeployment refuses a stale generation", async () => {
    const s = await store();
    const gen = (await s.deployment(ID))!.gen;
    await s.scaleDeployment(ID, 3, { expectedGen: gen });
    await expect(s.scaleDeployment(ID, 9, { expectedGen: gen })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await s.deployment(ID)).toMatchObject({ replicas: 3, gen: gen + 1 });
  });

  it("patchDeployment refuses a stale generation and does not bump it", async () => {
    const s = await store();
    const gen = (await s.deployment(ID))!.gen;
    await s.patchDeployment(ID, { lastGoodRevision: 1 }, undefined, Date.now(), gen);
    expect((await s.deployment(ID))?.gen).toBe(gen);
    await s.scaleDeployment(ID, 4);
    const stale = s.patchDeployment(ID, { paused: true }, undefined, Date.now(), gen);
    await expect(stale).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await s.deployment(ID))?.paused).toBe(false);
  });

  it("cordonNode refuses a stale generation and bumps it on a change", async () => {
    const s = await store();
    await s.heartbeatNode(hb);
    const gen = (await s.node("n1"))!.gen;
    expect(await s.cordonNode("n1", "cordon", Date.now(), gen)).toEqual({ ok: true, gen: gen + 1 });
    await expect(s.cordonNode("n1", "uncordon", Date.now(), gen)).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await s.node("n1"))?.cordoned).toBe(true);
    expect((await s.cordonNode("n1", "cordon")).gen).toBe(gen + 1);
  });
});

describe("generation fences of the active-active roles (controller, scheduler)", () => {
  // They hold no lease: any instance may act, and each write is a CAS on what it read, so one that planned from an
  // old read (paused, slow, or racing another instance) is refused.
  it("refuses a scheduler's bind and a controller's retire, create, completion planned from an old read", async () => {
    const s = await store();
    await s.heartbeatNode(hb);
    await s.createReplica(newReplica("a"), 0);
    await expect(s.createReplica(newReplica("b"), 0)).rejects.toMatchObject({ code: "CONFLICT" });
    const read = (await s.replica("a"))!;
    await s.bindReplica("a", "n1", read.gen);
    await expect(s.bindReplica("a", "n1", read.gen)).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(s.retireReplica("a", "stale plan", read.gen)).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await s.replica("a"))?.desired).toBe("run");
    const dep = (await s.deployment(ID))!;
    await s.applyDeployment(validate(manifestSchema, { name: "web", command: ["y"], replicas: 2 }));
    const completion = s.patchDeployment(ID, { lastGoodRevision: 1 }, undefined, Date.now(), dep.gen);
    await expect(completion).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await s.deployment(ID))?.lastGoodRevision).toBeUndefined();
  });
});
