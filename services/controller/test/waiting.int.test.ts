import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bus } from "@tug/bus";
import { manifestSchema, subjects, validate } from "@tug/contracts";
import { silentLogger } from "@tug/log";
import { createMetrics } from "@tug/runtime";
import { RedisStore } from "@tug/state";
import { readConfig } from "@tug/service";
import { eventually, startServers, type TestServers, uniquePrefix } from "@tug/testkit";
import { buildController } from "../src/service.js";

let servers: TestServers;
let bus: Bus;
let store: RedisStore;
const ac = new AbortController();
/** Reads of the replicas of default/web by the controller. */
let reads = 0;

beforeAll(async () => {
  servers = await startServers();
  const log = silentLogger();
  const metrics = createMetrics("controller");
  bus = await Bus.connect({ url: servers.nats.url, name: "controller-test", log, metrics });
  store = new RedisStore({ url: servers.redis.url, prefix: uniquePrefix("waiting") });
  const counted = Object.assign(Object.create(store) as RedisStore, {
    replicasOfDeployment: (id: string) => {
      if (id === "default/web") reads++;
      return store.replicasOfDeployment(id);
    },
  });
  const parts = buildController(
    { config: readConfig("controller", {}), log, metrics, bus, store: counted },
    { resyncMs: 500, progressMs: 100 },
  );
  for (const r of parts.runnables) void r.run(ac.signal);
});
afterAll(async () => {
  ac.abort();
  await bus.close();
  await store.close();
  await servers.stop();
});

describe("controller - a deployment waiting for room", () => {
  it("is looked at without re-reading its replicas while nothing changes, and a change is still seen", async () => {
    // no scheduler runs: the replicas stay pending, and the deployment progresses without its passes changing anything
    await store.applyDeployment(validate(manifestSchema, { name: "web", command: ["x"], replicas: 3 }));
    bus.publish(subjects.hint("deployment", "default/web"), "hint", { id: "default/web" });
    await eventually(async () => expect(await store.replicasOfDeployment("default/web")).toHaveLength(3));
    await new Promise((r) => setTimeout(r, 1_000));
    const before = reads;
    // 3 s of looks (a resync every 500 ms, and the idle backoff's own) that find nothing new
    await new Promise((r) => setTimeout(r, 3_000));
    expect(reads - before).toBeLessThanOrEqual(1);
    await store.scaleDeployment("default/web", 5);
    await eventually(async () => expect(await store.replicasOfDeployment("default/web")).toHaveLength(5));
  });
});
