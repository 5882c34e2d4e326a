/**
 * `--ha` (issue 14): 3 NATS servers, Redis primary + 2 replicas + 3 Sentinels, 2 instances of every component.
 * SIGKILL of the Redis primary while 20 applies are in flight loses no acknowledged apply (WAIT before the ack) and
 * the cluster converges on the new primary; SIGKILL of one NATS server leaves
 * the proxy serving and the cluster converging.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { haSentinels, readSentinelAccess } from "@tug/cluster";
import { sentinelPrimary } from "@tug/state";
import { eventually, freePort, startSystem, type TestSystem } from "@tug/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectCount, intake, readyReplicas } from "./helpers.js";
import { type Acked, appliesAroundFault, converged, reapplyRefused, sleeper } from "./ha-workload.js";
import { runTug } from "./tug-cli.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const slow = { timeoutMs: 90_000, intervalMs: 250 };
const manifest = (i: number) => sleeper(`h-${i}`, 1 + (i % 2));

/** The last `n` lines of each named component's log in `dataDir` (what a failure message carries for CI's record). */
function logTails(dataDir: string, names: string[], n = 25): string {
  return names
    .map((name) => {
      const file = join(dataDir, "logs", `${name}.log`);
      const lines = existsSync(file) ? readFileSync(file, "utf8").trimEnd().split("\n").slice(-n) : ["(no log)"];
      return `--- ${name}.log (last ${n} lines)\n${lines.join("\n")}`;
    })
    .join("\n");
}

describe("--ha: no single point of failure (process driver, 2 nodes, 2 per component)", () => {
  let sys: TestSystem;

  beforeAll(async () => {
    sys = await startSystem({ ha: true, nodes: 2, driver: "process", workdir: repoRoot, readyTimeoutMs: 120_000 });
  }, 180_000);
  afterAll(async () => {
    await sys?.stop();
  }, 90_000);

  it("SIGKILL of the Redis primary while 20 applies are in flight: every acknowledged apply survives", async () => {
    expect(sys.cluster.ha).toBeDefined();
    const before = await sys.cluster.redisPrimary();
    expect(before).toMatch(/^redis-[123]$/);
    const outcome = await appliesAroundFault(sys.bus, 20, manifest, () =>
      expect(sys.cluster.kill(before!, "SIGKILL")).toBe(true),
    );
    const refused = outcome.refused.map((r) => `h-${r.i}: ${r.code}`);
    console.log(
      `applies around the primary's SIGKILL: ${outcome.acked.size} acknowledged, ${refused.length} refused`,
      refused.join(", "),
    );
    await eventually(async () => expect(await sys.cluster.redisPrimary()).not.toBe(before), {
      ...slow,
      what: "a replica promoted",
    }).catch((err: Error) => {
      // CI once saw no promotion within 90 s (the killed primary came back as primary after its 15 s rejoin wait):
      // keep the Sentinels' and the Redis servers' own account of it in the failure
      const servers = ["sentinel-1", "sentinel-2", "sentinel-3", "redis-1", "redis-2", "redis-3"];
      throw new Error(`${err.message}\n${logTails(sys.dataDir, servers)}`, { cause: err });
    });
    // the refused ones, again until acknowledged, now on the new primary
    await reapplyRefused(sys.bus, outcome, manifest);
    expect(outcome.acked.size).toBe(20);
    await eventually(() => converged(sys.store, outcome.acked), {
      ...slow,
      what: "every acknowledged apply present and converged",
    });
    // The old primary's rejoin as a replica is not asserted here: on CI it once stayed out past a minute (issue 14,
    // left open); the acknowledged applies above are what this test guards.
  }, 180_000);

  it("SIGKILL of one NATS server: the proxy keeps serving and the cluster keeps converging", async () => {
    const published = await freePort();
    await intake(
      sys.bus,
      "apply",
      {
        name: "web",
        namespace: "default",
        replicas: 2,
        command: ["node", "examples/web/server.js"],
        ports: [{ name: "http", containerPort: 8080, published }],
        resources: { cpu: 0.05, memory: "32Mi" },
        readinessProbe: { http: { path: "/healthz", port: "http" }, periodSeconds: 0.5, failureThreshold: 2 },
      },
      60_000,
    );
    await eventually(
      async () => expectCount("ready web", (await readyReplicas(sys.store, "default/web")).length, 2),
      slow,
    );
    const get = async () =>
      (await fetch(`http://127.0.0.1:${published}/`, { signal: AbortSignal.timeout(5_000) })).status;
    await eventually(async () => expect(await get()).toBe(200), { ...slow, what: "the proxy serves" });

    const restarts = sys.cluster.components.find((c) => c.name === "nats-1")!.restarts;
    expect(sys.cluster.kill("nats-1", "SIGKILL")).toBe(true);
    const scaled = intake(sys.bus, "scale", { namespace: "default", name: "web", replicas: 3 }, 60_000);
    let ok = 0;
    const failures: string[] = [];
    for (const until = Date.now() + 8_000; Date.now() < until;) {
      try {
        const s = await get();
        if (s === 200) ok++;
        else failures.push(`status ${s}`);
      } catch (err) {
        failures.push((err as Error).message);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log(`proxy after SIGKILL of nats-1: ${ok} ok, ${failures.length} failed`);
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(10);
    await scaled;
    await eventually(async () => expectCount("ready web", (await readyReplicas(sys.store, "default/web")).length, 3), {
      ...slow,
      what: "scaled to 3",
    });
    await eventually(
      () => expect(sys.cluster.components.find((c) => c.name === "nats-1")!.restarts).toBeGreaterThan(restarts),
      slow,
    );
  }, 180_000);

  it("Redis and Sentinel passwords rotated, the old ones retired, then the primary killed: the failover works", async () => {
    const tug = (...args: string[]) => runTug(["--data-dir", sys.dataDir, ...args], { timeoutMs: 60_000 });
    // the Sentinels tell nothing without their password
    const sentinels = haSentinels(sys.cluster.ha!);
    const oldAccess = readSentinelAccess(sys.dataDir);
    expect(await sentinelPrimary(sentinels, sys.cluster.ha!.masterName)).toBeUndefined();
    expect(await sentinelPrimary(sentinels, sys.cluster.ha!.masterName, 1_000, oldAccess)).toBeDefined();
    const rotated = await tug("rotate", "redis");
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toMatch(/Sentinels told: .*,.*,/); // all three
    expect(rotated.stdout).not.toContain("not reached");
    await new Promise((r) => setTimeout(r, 2_500)); // every process re-reads its password file within 1 s
    const retired = await tug("rotate", "redis", "--retire");
    expect(retired.code, retired.stderr).toBe(0);
    expect(await sentinelPrimary(sentinels, sys.cluster.ha!.masterName, 1_000, oldAccess)).toBeUndefined();

    // a replica is promoted by Sentinels speaking the new password, the other re-attaches with the new masterauth
    // (writes need one attached replica), and every process reconnects to the new primary with its new password
    const before = await sys.cluster.redisPrimary();
    expect(sys.cluster.kill(before!, "SIGKILL")).toBe(true);
    await eventually(async () => expect(await sys.cluster.redisPrimary()).not.toBe(before), {
      ...slow,
      what: "a replica promoted after the rotation",
    });
    const acked = new Map<string, Acked>();
    for (const i of [101, 102]) acked.set(`default/h-${i}`, await intake<Acked>(sys.bus, "apply", manifest(i), 90_000));
    await eventually(() => converged(sys.store, acked), { ...slow, what: "applies after the rotation converged" });
  }, 180_000);
});
