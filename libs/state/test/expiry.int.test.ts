/**
 * A request that outlived its sender's wait writes nothing (request-expiry.ts): the store refuses the write with
 * TIMEOUT, as a controller resumed from a pause must not undo the change its client made after giving up on it.
 */
import { handlingRequest, manifestSchema, TugError, validate } from "@tug/contracts";
import { RedisStore } from "@tug/state";
import { startRedis, type ServerHandle, uniquePrefix } from "@tug/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let redis: ServerHandle;
let store: RedisStore;

beforeAll(async () => {
  redis = await startRedis();
  store = new RedisStore({ url: redis.url, prefix: uniquePrefix("expiry") });
  await store.ready();
});
afterAll(async () => {
  await store?.close();
  await redis?.stop();
});

describe("requests past their sender's wait", () => {
  const manifest = (name: string) => validate(manifestSchema, { name, command: ["x"], replicas: 1 });

  it("are applied while the sender waits", async () => {
    await handlingRequest(5_000, () => store.applyDeployment(manifest("in-time")));
    expect(await store.deployment("default/in-time")).toBeDefined();
  });

  it("write nothing once the sender has given up", async () => {
    const late = handlingRequest(20, async () => {
      await new Promise((r) => setTimeout(r, 60)); // the handler stalls past the sender's 20 ms
      return store.applyDeployment(manifest("too-late"));
    });
    await expect(late).rejects.toSatisfy((e) => e instanceof TugError && e.code === "TIMEOUT");
    expect(await store.deployment("default/too-late")).toBeUndefined();
  });

  it("write nothing when the write itself reaches Redis after the sender gave up (checked by Redis' clock)", async () => {
    await handlingRequest(5_000, () => store.applyDeployment(manifest("delayed")));
    const before = await store.deployment("default/delayed");
    // sent in time, run late: the server is stopped while the write is on its way (as behind a partition)
    redis.proc.kill("SIGSTOP");
    let resumed = false;
    try {
      const writes = handlingRequest(300, () =>
        Promise.allSettled([
          store.scaleDeployment("default/delayed", 4),
          store.applyDeployment({ ...manifest("delayed"), replicas: 5 }),
          store.deleteDeployment("default/delayed"),
        ]),
      );
      await new Promise((r) => setTimeout(r, 700));
      redis.proc.kill("SIGCONT");
      resumed = true;
      for (const w of await writes)
        expect(w.status === "rejected" && w.reason instanceof TugError && w.reason.code === "TIMEOUT").toBe(true);
    } finally {
      if (!resumed) redis.proc.kill("SIGCONT");
    }
    const after = await store.deployment("default/delayed");
    expect(after?.replicas).toBe(1);
    expect(after?.gen).toBe(before?.gen);
  });
});
