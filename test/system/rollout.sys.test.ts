/**
 * Rollouts end to end (process driver, examples/web/server.js, VERSION env as the template change), under
 * continuous load through the proxy: a rolling update of 10 with maxSurge 2 / maxUnavailable 0 drops nothing and
 * stays within 10..12; a failing version rolls back by itself; `rollout undo`; a controller SIGKILLed mid-rollout.
 */
import { fileURLToPath } from "node:url";
import type { DeploymentRecord } from "@tug/contracts";
import { eventually, freePort, startSystem, type TestSystem } from "@tug/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LoadResult, runLoad } from "../../cli/src/loadgen.js";
import { expectCount, intake } from "./helpers.js";
import { type Extremes, sampleReplicas } from "./sampler.js";
import { tug } from "./tug-cli.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const ID = "default/web";
const REPLICAS = 10;
const slow = { timeoutMs: 120_000, intervalMs: 250 };
let port = 0;

const web = (version: string, env: Record<string, string> = {}) => ({
  kind: "Deployment",
  name: "web",
  namespace: "default",
  replicas: REPLICAS,
  command: ["node", "examples/web/server.js"],
  env: { VERSION: version, ...env },
  ports: [{ name: "http", containerPort: 8080, published: port }],
  resources: { cpu: 0.05, memory: "32Mi" },
  readinessProbe: { http: { path: "/healthz", port: "http" }, periodSeconds: 0.5, failureThreshold: 2 },
  strategy: { maxSurge: 2, maxUnavailable: 0, progressDeadlineSeconds: 90, autoRollback: true },
});

/** Waits until `revision` is the last good one: all replicas of the current template ready, no old one left. */
async function rolledOut(sys: TestSystem, revision: number, version: string): Promise<DeploymentRecord> {
  return eventually(
    async () => {
      const dep = (await sys.store.deployment(ID))!;
      if (dep.revision !== revision || dep.lastGoodRevision !== revision)
        throw new Error(`revision ${dep.revision}, last good ${dep.lastGoodRevision}; want ${revision}`);
      const run = (await sys.store.replicasOfDeployment(ID)).filter((r) => r.desired === "run");
      expectCount("ready replicas", run.filter((r) => r.ready).length, REPLICAS);
      expectCount("replicas", run.length, REPLICAS);
      expect(dep.template.env.VERSION).toBe(version);
      return dep;
    },
    { ...slow, what: `revision ${revision} rolled out` },
  );
}

/** The versions the proxy serves, over `n` sequential requests. */
async function servedVersions(n = 20): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < n; i++)
    seen.add(((await (await fetch(`http://127.0.0.1:${port}/`)).json()) as { version: string }).version);
  return seen;
}

/** Runs `during` under steady load through the proxy and replica sampling; returns the load result and extremes. */
async function underLoad(
  sys: TestSystem,
  during: () => Promise<void>,
): Promise<{ load: LoadResult; extremes: Extremes }> {
  const sampler = sampleReplicas(sys.store, ID, 100);
  const ac = new AbortController();
  const load = runLoad({ host: "127.0.0.1", port, rps: 40, durationMs: 600_000, signal: ac.signal });
  try {
    await during();
  } finally {
    ac.abort();
  }
  return { load: await load, extremes: await sampler.stop() };
}

describe("rollouts, process driver, under load", () => {
  let sys: TestSystem;

  beforeAll(async () => {
    port = await freePort();
    sys = await startSystem({ nodes: 3, driver: "process", workdir: repoRoot });
    await intake(sys.bus, "apply", web("1"));
    await rolledOut(sys, 1, "1");
    await eventually(async () => expect(await servedVersions(5)).toEqual(new Set(["1"])), {
      ...slow,
      what: "proxy serves v1",
    });
  }, 180_000);
  afterAll(async () => {
    await sys?.stop();
  }, 60_000);

  it("rolls 10 replicas with maxSurge 2 / maxUnavailable 0: no failed request, never > 12 running nor < 10 ready", async () => {
    const { load, extremes } = await underLoad(sys, async () => {
      const r = await intake(sys.bus, "apply", web("2"));
      expect(r.revision).toBe(2);
      await rolledOut(sys, 2, "2");
    });
    expect(load.failed, JSON.stringify(load.errors)).toBe(0);
    expect(load.ok).toBeGreaterThan(100);
    expect(extremes.samples).toBeGreaterThan(50);
    expect(extremes.maxRunning).toBeLessThanOrEqual(12);
    expect(extremes.minReady).toBeGreaterThanOrEqual(10);
    expect(await servedVersions()).toEqual(new Set(["2"]));
  }, 240_000);

  it("rolls a version that never becomes ready back by itself; rollout status exits 1", async () => {
    const { load, extremes } = await underLoad(sys, async () => {
      const r = await intake(sys.bus, "apply", web("3", { FAIL_READINESS: "1" }));
      expect(r.revision).toBe(3);
      const status = await tug(sys, ["rollout", "status", "web", "--revision", "3", "--timeout", "3m"]);
      expect(status.code, status.stdout + status.stderr).toBe(1);
      expect(status.stdout).toMatch(/revision 3 rolled back \(ReadinessFailed\)/);
      const dep = await rolledOut(sys, 4, "2");
      expect(dep.condition).toMatchObject({ type: "RolledBack", reason: "ReadinessFailed" });
      expect(dep.template.env.FAIL_READINESS).toBeUndefined();
    });
    // the old replicas kept serving throughout (maxUnavailable 0), and the rollback reused them
    expect(load.failed, JSON.stringify(load.errors)).toBe(0);
    expect(extremes.minReady).toBeGreaterThanOrEqual(10);
    expect(extremes.maxRunning).toBeLessThanOrEqual(12);
    const events = (await sys.store.events()).filter((e) => e.object === ID).map((e) => e.reason);
    expect(events).toEqual(expect.arrayContaining(["RolledBack", "AutoRollback"]));
    expect(await servedVersions()).toEqual(new Set(["2"]));
  }, 240_000);

  it("rollout undo restores the previous revision's template", async () => {
    await intake(sys.bus, "apply", web("5"));
    await rolledOut(sys, 5, "5");
    const undo = await tug(sys, ["rollout", "undo", "web", "--to-revision", "4"]);
    expect(undo.code, undo.stderr).toBe(0);
    await rolledOut(sys, 6, "2");
    expect(await servedVersions()).toEqual(new Set(["2"]));
    const status = await tug(sys, ["rollout", "status", "web"]);
    expect(status.code, status.stdout + status.stderr).toBe(0);
  }, 240_000);

  it("completes a rollout whose controller is SIGKILLed midway", async () => {
    const { load, extremes } = await underLoad(sys, async () => {
      const r = await intake(sys.bus, "apply", web("7"));
      await eventually(
        async () => {
          const fresh = (await sys.store.replicasOfDeployment(ID)).filter((x) => x.revision === r.revision && x.ready);
          if (fresh.length < 2) throw new Error(`${fresh.length} new ready`);
        },
        { ...slow, what: "rollout under way" },
      );
      expect(sys.cluster.kill("controller-1", "SIGKILL")).toBe(true);
      await rolledOut(sys, r.revision, "7");
    });
    expect(load.failed, JSON.stringify(load.errors)).toBe(0);
    expect(extremes.maxRunning).toBeLessThanOrEqual(12);
    expect(extremes.minReady).toBeGreaterThanOrEqual(10);
    expect(await servedVersions()).toEqual(new Set(["7"]));
  }, 240_000);
});
