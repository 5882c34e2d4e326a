/**
 * Durable acknowledgements against a real primary and replica (issue 14): a write is acknowledged only once the
 * replica has it (WAIT); with the replica cut off (SIGSTOP) a write is refused with STORE_UNAVAILABLE instead of a
 * false ok, and once the replica's lag passes min-replicas-max-lag the primary refuses to write at all; fencing
 * tokens issued after the counter was lost (as on a new primary) still exceed every earlier one.
 */
import { TugError, manifestSchema, validate } from "@tug/contracts";
import { attachedReplicas, RedisStore } from "@tug/state";
import { eventually, startRedis, type ServerHandle, uniquePrefix } from "@tug/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let primary: ServerHandle;
let replica: ServerHandle;
const stores: RedisStore[] = [];
const prefix = uniquePrefix("durable");
const manifest = (name: string) => validate(manifestSchema, { name, command: ["x"], replicas: 1 });
function store(url: string, waitReplicas = 0, waitTimeoutMs = 500): RedisStore {
  const s = new RedisStore({ url, prefix, waitReplicas, waitTimeoutMs });
  stores.push(s);
  return s;
}
async function code(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => "ok",
    (err: unknown) => (err instanceof TugError ? `${err.code}: ${err.message}` : String(err)),
  );
}

beforeAll(async () => {
  primary = await startRedis([
    "--min-replicas-to-write",
    "1",
    "--min-replicas-max-lag",
    "2",
    "--repl-diskless-sync-delay",
    "0",
  ]);
  replica = await startRedis(["--replicaof", "127.0.0.1", String(primary.port)]);
  await eventually(async () => expect(await attachedReplicas("127.0.0.1", primary.port)).toBe(1), {
    timeoutMs: 30_000,
  });
}, 60_000);
afterAll(async () => {
  replica?.proc.kill("SIGCONT");
  for (const s of stores) await s.close();
  await replica?.stop();
  await primary?.stop();
});

describe("durable acknowledgements (WAIT, min-replicas-to-write)", () => {
  it("acknowledges a write only once the replica holds it", async () => {
    // a bound a busy CI machine meets (500 ms missed once): the replica's ack, not the timeout, is what is tested
    const s = store(primary.url, 1, 5_000);
    await s.applyDeployment(manifest("acked"));
    // read on the replica right after the ack, no waiting: WAIT already made sure it is there
    expect((await store(replica.url).deployment("default/acked"))?.replicas).toBe(1);
  });

  it("refuses with STORE_UNAVAILABLE while the replica is cut off, then writes nothing at all", async () => {
    const s = store(primary.url, 1);
    let attempt = 0;
    replica.proc.kill("SIGSTOP");
    try {
      expect(await code(s.applyDeployment(manifest("unconfirmed")))).toMatch(
        /^STORE_UNAVAILABLE: the write reached 0 of the 1/,
      );
      // past min-replicas-max-lag the primary itself refuses: the write never happens (a new name each time: an
      // unchanged apply writes nothing, so the primary would have nothing to refuse)
      await eventually(
        async () =>
          expect(await code(s.applyDeployment(manifest(`refused-${++attempt}`)))).toMatch(
            /^STORE_UNAVAILABLE: NOREPLICAS/,
          ),
        {
          timeoutMs: 30_000,
          intervalMs: 250,
        },
      );
      expect(await store(primary.url).deployment(`default/refused-${attempt}`)).toBeUndefined();
    } finally {
      replica.proc.kill("SIGCONT");
    }
    await eventually(async () => expect(await code(s.applyDeployment(manifest(`again-${++attempt}`)))).toBe("ok"), {
      timeoutMs: 30_000,
      intervalMs: 250,
    });
  }, 60_000);

  it("issues fencing tokens above every earlier one even after the counter was lost (a failover)", async () => {
    const s = store(primary.url, 1);
    const before = await s.acquireLease("autoscaler", "old-primary-holder", 60_000);
    await s.redis.del(s.k.lease("autoscaler"), s.k.fence("autoscaler"));
    await new Promise((r) => setTimeout(r, 5));
    const after = await s.acquireLease("autoscaler", "new-primary-holder", 60_000);
    expect(after.held).toBe(true);
    expect(after.token).toBeGreaterThan(before.token);
  });
});
