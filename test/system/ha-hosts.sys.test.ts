/**
 * `--ha --hosts` (issue 14): the 3 NATS servers, the 3 Redis servers with their Sentinels and 2 instances of every
 * component spread over 3 control-plane hosts of the lab (network namespaces), the API, DNS and proxy on 127.0.0.1.
 * The Redis primary's host cut off from the other two (its replicas and their Sentinels; clients still reach it)
 * acknowledges nothing while cut off: a write straight to it is refused once min-replicas-max-lag passes, applies
 * through the intake are refused or land where the majority is, and after the heal every acknowledged apply is there
 * and converged, and the old primary is a replica. Then a whole control-plane host is killed: the cluster goes on.
 * Needs root (CAP_NET_ADMIN): skipped with a notice otherwise, but under CI=true a missing capability fails.
 */
import { randomInt } from "node:crypto";
import { fileURLToPath } from "node:url";
import { effectiveCaps, type Lab, missingCaps, namespacePids } from "@tug/cluster";
import { manifestSchema, TugError, validate } from "@tug/contracts";
import { RedisStore } from "@tug/state";
import { eventually, startSystem, type TestSystem } from "@tug/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run as tug } from "../../cli/src/program.js";
import { expectCount, intake, readyReplicas } from "./helpers.js";
import { appliesAroundFault, converged, reapplyRefused, sleeper } from "./ha-workload.js";
import { labLeftovers } from "./lab.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const missing = missingCaps(effectiveCaps());
const ci = process.env.CI === "true";
if (missing.length && !ci)
  console.warn(`\n*** SKIPPING the --ha --hosts tests: need root (${missing.join(", ")}) ***\n`);
const slow = { timeoutMs: 90_000, intervalMs: 250 };
const manifest = (i: number) => sleeper(`p-${i}`, 1 + (i % 2));

describe.skipIf(missing.length > 0 && !ci)("--ha --hosts: the control plane on 3 hosts, partitions", () => {
  let sys: TestSystem;
  let lab: Lab;
  const chaos = (...args: string[]) => tug(["node", "tug", "chaos", "--data-dir", sys.dataDir, ...args]);

  beforeAll(async () => {
    if (missing.length) throw new Error(`CI=true: the hosts lab needs root, missing ${missing.join(", ")}`);
    sys = await startSystem({
      ha: true,
      hosts: 2,
      driver: "process",
      workdir: repoRoot,
      hostsSubnet: `10.231.${randomInt(129, 250)}.0/24`,
      readyTimeoutMs: 120_000,
    });
    lab = sys.cluster.lab!;
  }, 180_000);

  afterAll(async () => {
    if (!sys) return;
    await chaos("heal").catch(() => {});
    await sys.stop();
    expect(labLeftovers(lab, sys.dataDir)).toEqual([]);
  }, 90_000);

  it("runs server i of NATS, Redis and Sentinel on control-plane host i, every role on two hosts", async () => {
    expect(lab.controlPlane?.map((h) => h.node)).toEqual(["cp-1", "cp-2", "cp-3"]);
    const running = new Map<number, string>();
    for (const h of lab.controlPlane!) for (const pid of await namespacePids(h.namespace)) running.set(pid, h.node);
    const hostOf = (name: string) => running.get(sys.cluster.components.find((c) => c.name === name)!.pid!);
    for (const i of [1, 2, 3])
      for (const kind of ["nats", "redis", "sentinel"]) expect(hostOf(`${kind}-${i}`)).toBe(`cp-${i}`);
    for (const role of ["controller", "scheduler", "health-monitor", "autoscaler"]) {
      const hosts = [hostOf(`${role}-1`), hostOf(`${role}-2`)];
      expect(hosts.every(Boolean) && hosts[0] !== hosts[1]).toBe(true);
    }
    // the edge stays in the root namespace: the API answers on 127.0.0.1
    await eventually(async () => expect((await fetch(`${sys.cluster.apiUrl}/healthz`)).status).toBe(200), slow);
  });

  it("the primary cut off from its replicas acknowledges nothing; every acknowledged apply survives", async () => {
    expect(await sys.cluster.redisPrimary()).toBe("redis-1");
    const ha = sys.cluster.ha!;
    // a client that keeps reaching the old primary through the partition, as a minority's clients do
    const direct = new RedisStore({
      ...sys.cluster.redis,
      sentinels: undefined,
      url: `redis://${ha.hosts[0]}:${ha.redisPorts[0]}`,
      prefix: sys.prefix,
    });
    try {
      await direct.ready();
      const outcome = await appliesAroundFault(sys.bus, 20, manifest, () =>
        chaos("partition", "cp-1", "--from", "cp-2,cp-3"),
      );
      console.log(`applies around the cut: ${outcome.acked.size} acknowledged, ${outcome.refused.length} refused`);
      // once min-replicas-max-lag passes, the old primary refuses the write itself (before that, WAIT refuses it)
      let attempt = 0;
      await eventually(
        async () => {
          const m = validate(manifestSchema, { name: `direct-${++attempt}`, command: ["sleep", "1"], replicas: 0 });
          const err = await direct.applyDeployment(m).then(
            () => new Error(`direct-${attempt} was acknowledged by a primary cut off from its replicas`),
            (e: unknown) => e,
          );
          if (!(err instanceof TugError) || err.code !== "STORE_UNAVAILABLE") throw err;
          expect(err.message).toMatch(/NOREPLICAS/);
        },
        { timeoutMs: 15_000, intervalMs: 250, what: "the old primary refusing writes" },
      );
      await eventually(async () => expect(await sys.cluster.redisPrimary()).not.toBe("redis-1"), {
        ...slow,
        what: "a replica promoted by the majority",
      });
      await chaos("heal");
      await reapplyRefused(sys.bus, outcome, manifest);
      expect(outcome.acked.size).toBe(20);
      await eventually(() => converged(sys.store, outcome.acked), { ...slow, what: "every acknowledged apply" });
      for (let i = 1; i <= attempt; i++) expect(await sys.store.deployment(`default/direct-${i}`)).toBeUndefined();
      // the Sentinels turn the old primary into a replica of the new one once it is reachable again
      await eventually(async () => expect((await direct.redis.call("ROLE")) as unknown[]).toContain("slave"), {
        ...slow,
        what: "the old primary rejoined as a replica",
      });
    } finally {
      await direct.close();
    }
  }, 240_000);

  it("a whole control-plane host killed: the cluster keeps converging", async () => {
    await intake(sys.bus, "apply", sleeper("survivor", 2), 60_000);
    await chaos("kill-host", "cp-2");
    await intake(sys.bus, "scale", { namespace: "default", name: "survivor", replicas: 4 }, 60_000);
    await eventually(
      async () => expectCount("ready survivor", (await readyReplicas(sys.store, "default/survivor")).length, 4),
      { ...slow, what: "survivor scaled to 4 with cp-2 down" },
    );
  }, 180_000);
});
