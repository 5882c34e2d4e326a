/**
 * `replicateNow` against two real redis-servers run from the specs `tug up --ha` uses (ACL users, `replication` as
 * the replicas' user): the replica ends attached to the primary it is told, as Sentinel's user, and it stays a
 * replica; a wrong password is refused and changes nothing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { currentAuth, freePorts, HA_EXTRA_PORTS, haAddresses, Supervisor, writeRedisCredentials } from "@tug/cluster";
import { oneShot } from "@tug/state";
import { eventually } from "@tug/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { replicateNow } from "../src/ha/rejoin.js";
import { redisNodeSpecs } from "../src/ha/specs.js";

const dir = mkdtempSync(join(tmpdir(), "tug-replicate-now-"));
const sup = new Supervisor();
afterAll(async () => {
  await sup.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("replicateNow", () => {
  it("attaches a started replica to the primary it names, and refuses a wrong password", async () => {
    const [nats, redis, ...extra] = await freePorts(2 + HA_EXTRA_PORTS);
    const h = haAddresses(nats!, redis!, extra);
    const creds = writeRedisCredentials(dir, "tug");
    const [primary, replica] = redisNodeSpecs(dir, h, creds, () => {});
    sup.spawn(primary!);
    sup.spawn(replica!);
    const admin = creds.auth("admin");
    const info = () => oneShot("127.0.0.1", h.redisPorts[1]!, 1_000, (r) => r.info("replication"), admin);
    const wrong = { username: "sentinel", password: "not-the-password" };
    const to = { host: "127.0.0.1", port: h.redisPorts[0]! };
    await eventually(() => replicateNow("127.0.0.1", h.redisPorts[1]!, to, () => currentAuth(creds, "sentinel")));
    await eventually(async () => {
      const now = await info();
      expect(now).toMatch(/^role:slave/m);
      expect(now).toMatch(new RegExp(`^master_port:${to.port}`, "m"));
      expect(now).toMatch(/^master_link_status:up/m);
    });
    await expect(replicateNow("127.0.0.1", h.redisPorts[1]!, to, () => wrong, 300)).rejects.toThrow();
    expect(await info()).toMatch(/^master_link_status:up/m);
  });
});
