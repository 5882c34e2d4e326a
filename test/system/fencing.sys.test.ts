/**
 * Fencing end to end: an autoscaler that decided a scale under its lease, was SIGSTOPped before sending it while
 * another instance took the lease, and was then SIGCONTed, cannot change the replica count. Its scale still carries
 * the generation it read (nothing moved meanwhile), so only the fencing token stops it.
 *
 * The load is the proxy's traffic figure for the deployment, published on `tug.v1.proxy.metrics` as a proxy does;
 * TUG_AUTOSCALE_HOLD_MS holds the decision 2 s before sending, so the test can pause the process right there.
 * User writes fence themselves with the generation they read: `tug apply --expect-generation N` and HTTP If-Match.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { subjects } from "@tug/contracts";
import { eventually, startSystem, type TestSystem } from "@tug/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectCount, intake, readyReplicas } from "./helpers.js";
import { tug } from "./tug-cli.js";

const ID = "default/api";
const lines: Array<{ component: string; line: string }> = [];

/** The holder of the autoscaler lease (`autoscaler-1` or `autoscaler-2`), from Redis. */
async function leaseHolder(sys: TestSystem): Promise<string | undefined> {
  const v = await sys.store.redis.get(sys.store.k.lease("autoscaler"));
  return v?.slice(0, v.lastIndexOf("|"));
}

/** Log lines of `component` whose message is `msg`, parsed. */
function logged(component: string, msg: string): Array<Record<string, unknown>> {
  const mine = lines.filter((l) => l.component === component && l.line.includes(`"msg":"${msg}"`));
  return mine.map((l) => JSON.parse(l.line));
}

describe("fencing: a stale autoscaler", () => {
  let sys: TestSystem;

  beforeAll(async () => {
    sys = await startSystem({
      nodes: 1,
      replicasPerComponent: 2,
      onLine: (component, line) => lines.push({ component, line }),
      env: { TUG_LEASE_MS: "1000", TUG_AUTOSCALE_PERIOD_MS: "250", TUG_AUTOSCALE_HOLD_MS: "2000" },
    });
  }, 60_000);
  afterAll(async () => {
    await sys?.stop();
  }, 60_000);

  it("cannot change a replica count once another instance holds the lease", async () => {
    await intake(sys.bus, "apply", {
      name: "api",
      replicas: 2,
      command: ["x"],
      resources: { cpu: 0.01, memory: "1Mi" },
      autoscale: { min: 1, max: 10, metric: "rps", target: 5, scaleDownStabilizationSeconds: 60 },
    });
    const ready = async () => expectCount("ready", (await readyReplicas(sys.store, ID)).length, 2);
    await eventually(ready, { timeoutMs: 20_000, what: "2 ready" });
    const stale = await eventually(
      async () => {
        const h = await leaseHolder(sys);
        if (!h) throw new Error("no autoscaler holds the lease yet");
        return h;
      },
      { timeoutMs: 10_000, what: "a lease holder" },
    );
    const other = stale === "autoscaler-1" ? "autoscaler-2" : "autoscaler-1";

    // 60 rps over 2 replicas (target 5 each): the holder decides to scale up, and is paused before it sends
    const figures = { services: [{ id: ID, rps: 60, connections: 0 }] };
    const load = setInterval(() => sys.bus.publish(subjects.proxyMetrics, "proxy.metrics", figures), 200);
    try {
      await eventually(
        async () => {
          if (!logged(stale, "autoscaling").some((l) => l.deployment === ID)) throw new Error(`${stale}: no decision`);
        },
        { timeoutMs: 15_000, intervalMs: 20, what: "a scale decision" },
      );
      expect(sys.cluster.kill(stale, "SIGSTOP")).toBe(true);
    } finally {
      clearInterval(load);
    }
    const decided = logged(stale, "autoscaling").find((l) => l.deployment === ID)!;
    // the other instance starts afresh (no samples: it holds the count) and takes the lease once it expires
    await sys.cluster.restart(other);
    const taken = async () => expect(await leaseHolder(sys)).toBe(other);
    await eventually(taken, { timeoutMs: 10_000, what: `${other} holds the lease` });
    const before = (await sys.store.deployment(ID))!;
    expect(before.replicas).toBe(2);

    expect(sys.cluster.kill(stale, "SIGCONT")).toBe(true);
    // it sends its decision once resumed: wait until it was answered (refused) or the deployment moved
    await eventually(
      async () => {
        const moved = (await sys.store.deployment(ID))!.gen !== before.gen;
        if (!moved && logged(stale, "scale refused; re-evaluating").length === 0) throw new Error("no answer yet");
      },
      { timeoutMs: 10_000, what: "the stale scale answered" },
    );
    const after = (await sys.store.deployment(ID))!;
    const why = `decided ${JSON.stringify(decided)}`;
    expect({ replicas: after.replicas, gen: after.gen }, why).toEqual({ replicas: 2, gen: before.gen });
    expect((await sys.store.events()).filter((e) => e.object === ID && e.reason === "Scaled")).toEqual([]);
    expect(logged(stale, "scale refused; re-evaluating").map((l) => l.code)).toContain("STALE_FENCING_TOKEN");
  }, 60_000);

  it("refuses a user's write whose expected generation moved (apply --expect-generation, If-Match)", async () => {
    const file = join(sys.dataDir, "cas.yaml");
    writeFileSync(file, "name: cas\ncommand: [x]\nreplicas: 1\n");
    expect((await tug(sys, ["apply", "-f", file])).code).toBe(0);
    const gen = (await sys.store.deployment("default/cas"))!.gen;
    await intake(sys.bus, "scale", { name: "cas", replicas: 2 });
    const stale = await tug(sys, ["apply", "-f", file, "--expect-generation", String(gen)]);
    expect(stale.code).toBe(1);
    expect(stale.stdout + stale.stderr).toMatch(/GENERATION_MISMATCH/);
    expect((await sys.store.deployment("default/cas"))!.replicas).toBe(2);

    const url = `${sys.cluster.apiUrl}/v1/deployments/default/cas`;
    const etag = (await fetch(url)).headers.get("etag")!;
    expect(etag).toBe(`"${gen + 1}"`);
    const scale = (ifMatch: string) =>
      fetch(`${url}/scale`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "if-match": ifMatch,
          authorization: `Bearer ${sys.cluster.apiToken}`,
        },
        body: JSON.stringify({ replicas: 3 }),
      });
    const refused = await scale(`"${gen}"`);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ ok: false, code: "GENERATION_MISMATCH", retryable: false });
    expect((await scale(etag)).status).toBe(200);
    expect((await sys.store.deployment("default/cas"))!.replicas).toBe(3);
  }, 60_000);
});
