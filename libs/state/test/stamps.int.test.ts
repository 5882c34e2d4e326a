/**
 * Deployment change stamps against a real redis-server. The controller's resync skips a settled deployment while its
 * stamp stands, so a write that changes what a reconcile reads without stamping would leave a lost hint unrepaired
 * until the deep resync. The property checks every write script against an oracle: random sequences of writes over
 * a small cluster, and after each one, whenever the deployment's hash, its replicas' hashes or the status, gen or
 * cordoned flag of their nodes changed, its stamp moved. The example checks the other side: heartbeats, a status
 * reported again and another deployment's writes leave it alone.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manifestSchema, validate } from "@tug/contracts";
import { RedisStore } from "@tug/state";
import { fakeHeartbeat, newReplica, startRedis, type ServerHandle, uniquePrefix } from "@tug/testkit";

let redis: ServerHandle;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const manifest = (name: string, extra: object = {}) =>
  validate(manifestSchema, { name, command: ["x"], replicas: 1, ...extra });

/** Everything a reconcile of `id` reads, as one string (what the stamps must follow). */
async function reconcileView(s: RedisStore, id: string): Promise<string> {
  const r = s.redis;
  const sorted = (h: Record<string, string>) => JSON.stringify(Object.entries(h).sort());
  const parts = [sorted(await r.hgetall(s.k.deployment(id)))];
  const nodes = new Set<string>();
  for (const rid of (await r.smembers(s.k.deploymentReplicas(id))).sort()) {
    const h = await r.hgetall(s.k.replica(rid));
    parts.push(`${rid} ${sorted(h)}`);
    if (h.node) nodes.add(h.node);
  }
  for (const n of [...nodes].sort())
    parts.push(`${n} ${(await r.hmget(s.k.node(n), "status", "gen", "cordoned")).join()}`);
  return parts.join("\n");
}

const DEPS = ["a", "b"];
const NODES = ["n1", "n2", "n3"];
const dep = fc.constantFrom(...DEPS);
const node = fc.constantFrom(...NODES);
const REPS = ["r1", "r2", "r3", "r4", "r5"];
const rep = fc.constantFrom(...REPS);
const reportOp = fc.record({
  kind: fc.constant("report"),
  rep,
  phase: fc.constantFrom("Starting", "Running", "Failed"),
  ready: fc.boolean(),
  restarts: fc.integer({ min: 0, max: 1 }),
  message: fc.constantFrom("", "m"),
});
const op = fc.oneof(
  fc.record({
    kind: fc.constant("apply"),
    dep,
    replicas: fc.integer({ min: 1, max: 3 }),
    cmd: fc.constantFrom("x", "y"),
  }),
  fc.record({ kind: fc.constant("scale"), dep, replicas: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constant("create"), rep, dep }),
  { arbitrary: fc.record({ kind: fc.constant("bind"), rep, node }), weight: 2 },
  fc.record({ kind: fc.constant("bindBatch"), rep, node }),
  { arbitrary: reportOp, weight: 2 },
  fc.record({ kind: fc.constant("retire"), rep }),
  fc.record({ kind: fc.constant("remove"), rep }),
  fc.record({ kind: fc.constant("unschedulable"), rep, reason: fc.constantFrom("Unschedulable", "NoNode") }),
  {
    arbitrary: fc.record({ kind: fc.constant("beat"), node, how: fc.constantFrom("one", "batch", "touch") }),
    weight: 4,
  },
  { arbitrary: fc.record({ kind: fc.constant("notReady"), node }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("lost"), node }), weight: 2 },
  fc.record({ kind: fc.constant("cordon"), node, mode: fc.constantFrom("cordon", "uncordon", "drain") }),
  fc.record({ kind: fc.constant("patch"), dep, paused: fc.boolean() }),
  fc.record({ kind: fc.constant("rollback"), dep }),
  fc.record({ kind: fc.constant("delete"), dep }),
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

/** What a write may answer instead of writing (anything else, a script error included, fails the test). */
const REFUSALS = new Set([
  "CONFLICT",
  "NOT_FOUND",
  "NODE_NOT_READY",
  "INSUFFICIENT_CAPACITY",
  "STALE_FENCING_TOKEN",
  "REVISION_NOT_FOUND",
]);

/** Applies one write; a refused one (CONFLICT, NOT_FOUND …) writes nothing and is fine. */
async function apply(s: RedisStore, o: Op): Promise<void> {
  const id = (d: string) => `default/${d}`;
  const replica = "rep" in o ? await s.replica(o.rep) : undefined;
  const run = async () => {
    switch (o.kind) {
      case "apply":
        return s.applyDeployment(manifest(o.dep, { replicas: o.replicas, command: [o.cmd] }));
      case "scale":
        return s.scaleDeployment(id(o.dep), o.replicas);
      case "create":
        return s.createReplica(newReplica(o.rep, { deployment: id(o.dep) }));
      case "bind":
        return replica && s.bindReplica(o.rep, o.node, replica.gen);
      case "bindBatch":
        return replica && s.bindReplicas([{ replica: o.rep, node: o.node, gen: replica.gen }]);
      case "report":
        return (
          replica?.node &&
          s.reportReplica(replica.node, "127.0.0.1", {
            id: o.rep,
            phase: o.phase,
            ready: o.ready,
            restarts: o.restarts,
            message: o.message,
          })
        );
      case "retire":
        return s.retireReplica(o.rep, "scaled down");
      case "remove":
        return replica && s.removeReplica(replica, "stopped");
      case "unschedulable":
        return replica && s.markUnschedulable(o.rep, replica.gen, o.reason, "no room");
      case "beat":
        if (o.how === "one") return s.heartbeatNode(fakeHeartbeat(o.node));
        if (o.how === "batch") return s.heartbeatNodes([fakeHeartbeat(o.node)]);
        return s.touchNodes([o.node]);
      case "notReady":
        return s.markNodeNotReady(o.node, Date.now() + 60_000);
      case "lost":
        return s.markNodeLost(o.node, Date.now() + 60_000);
      case "cordon":
        return s.cordonNode(o.node, o.mode);
      case "patch":
        return s.patchDeployment(id(o.dep), { paused: o.paused });
      case "rollback":
        return s.rollbackDeployment(id(o.dep), 0, "test");
      case "delete":
        return s.deleteDeployment(id(o.dep));
    }
  };
  await run().catch((err: unknown) => {
    if (!REFUSALS.has(String((err as { code?: unknown })?.code))) throw err;
  });
}

/** A small cluster to start from: both deployments, three replicas bound over the nodes and Running, one pending. */
async function seed(s: RedisStore): Promise<void> {
  for (const n of NODES) await s.heartbeatNode(fakeHeartbeat(n));
  for (const d of DEPS) await s.applyDeployment(manifest(d, { replicas: 2 }));
  for (const [i, r] of REPS.slice(0, 4).entries()) {
    await s.createReplica(newReplica(r, { deployment: `default/${DEPS[i % 2]}` }));
    if (i === 3) break;
    await s.bindReplica(r, NODES[i]!, 1);
    await s.reportReplica(NODES[i]!, "127.0.0.1", { id: r, phase: "Running", ready: true, restarts: 0 });
  }
}

describe("deployment change stamps", () => {
  it("move with every write that changes what a reconcile reads (random write sequences)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 30 }), async (ops) => {
        const s = new RedisStore({ url: redis.url, prefix: uniquePrefix("stamps") });
        try {
          await seed(s);
          const ids = DEPS.map((d) => `default/${d}`);
          let views = await Promise.all(ids.map((d) => reconcileView(s, d)));
          let stamps = await s.deploymentStamps(ids);
          for (const o of ops) {
            await apply(s, o);
            const now = await Promise.all(ids.map((d) => reconcileView(s, d)));
            const stampsNow = await s.deploymentStamps(ids);
            ids.forEach((d, i) => {
              if (now[i] !== views[i]) expect(stampsNow[i], `${JSON.stringify(o)} changed ${d}`).not.toBe(stamps[i]);
            });
            [views, stamps] = [now, stampsNow];
          }
        } finally {
          await s.close();
        }
      }),
      { numRuns: 200 },
    );
  });

  it("stand while nothing a reconcile reads changes, and never repeat", async () => {
    const s = new RedisStore({ url: redis.url, prefix: uniquePrefix("stamps") });
    try {
      const id = "default/web";
      const stamp = async () => (await s.deploymentStamps([id]))[0];
      await s.applyDeployment(manifest("web"));
      await s.applyDeployment(manifest("other"));
      await s.heartbeatNode(fakeHeartbeat("n1"));
      await s.createReplica(newReplica("w1", { deployment: id }));
      await s.bindReplica("w1", "n1", 1);
      const status = { id: "w1", phase: "Running" as const, ready: true, restarts: 0 };
      await s.reportReplica("n1", "127.0.0.1", status);
      await s.markUnschedulable("w1", 2, "Unschedulable", "no room").catch(() => {}); // bound: refused
      const s0 = await stamp();
      expect(s0).toMatch(/^\d+$/);

      // not: its node's heartbeats, the same status reported again, the same scale, another deployment's writes
      await s.heartbeatNode(fakeHeartbeat("n1"), Date.now() + 500);
      await s.touchNodes(["n1"]);
      await s.reportReplica("n1", "127.0.0.1", status);
      await s.scaleDeployment(id, 1);
      await s.applyDeployment(manifest("web"));
      await s.scaleDeployment("default/other", 3);
      await s.createReplica(newReplica("o1", { deployment: "default/other" }));
      expect(await stamp()).toBe(s0);

      // yes: a status change, its node going NotReady; and the stamp never comes back to an earlier value
      await s.reportReplica("n1", "127.0.0.1", { ...status, ready: false, restarts: 1 });
      const s1 = await stamp();
      await s.markNodeNotReady("n1", Date.now() + 60_000);
      const s2 = await stamp();
      expect(new Set([s0, s1, s2]).size).toBe(3);
      // deleted and gone: its stamp goes with its last replica, and a namesake starts from a stamp never used
      await s.deleteDeployment(id);
      await s.removeReplica({ id: "w1", deployment: id }, "stopped");
      expect(await stamp()).toBe("");
      await s.applyDeployment(manifest("web"));
      expect(Number(await stamp())).toBeGreaterThan(Number(s2));
    } finally {
      await s.close();
    }
  });
});
