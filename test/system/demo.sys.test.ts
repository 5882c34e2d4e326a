/**
 * `tug demo` end to end with the process driver, through the built CLI: `tug demo all` on a running cluster (the
 * reuse path; kills go through its cluster.json) passes every demo, narrates the live timings and leaves no
 * deployment behind; `tug demo self-healing` with no cluster at --api starts one, passes and stops everything it
 * started. Bounds are generous: a loaded 2-core CI machine runs the whole `all` in a few minutes.
 */
import { mkdtempSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomInt } from "node:crypto";
import { isListening } from "@tug/cluster";
import { freePorts, startSystem, type TestSystem } from "@tug/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runTug, tug } from "./tug-cli.js";

const DEMOS = ["scheduling", "self-healing", "node-failure", "scaling", "load-balancing", "discovery", "rollout"];
/** `12:00:01.200` */
const T = String.raw`\d\d:\d\d:\d\d\.\d{3}`;
/** `(0.41 s)` */
const D = String.raw`\(\d+\.\d+ s\)`;

describe("tug demo all on a running cluster", () => {
  let sys: TestSystem;

  beforeAll(async () => {
    sys = await startSystem({ nodes: 3, driver: "process", env: { TUG_AUTOSCALE_PERIOD_MS: "1000" } });
  }, 120_000);
  afterAll(async () => {
    await sys?.stop();
  }, 60_000);

  it("runs every demo in sequence, narrates live timings, exits 0 and cleans up", async () => {
    const dns = `127.0.0.1:${sys.cluster.dnsPort}`;
    const r = await tug(sys, ["demo", "all", "--data-dir", sys.dataDir, "--dns", dns], 540_000);
    const out = `${r.stdout}\n${r.stderr}`;
    expect(r.code, out).toBe(0);
    for (const name of DEMOS) expect(r.stdout, name).toMatch(new RegExp(`^== ${name}: passed \\(\\d+ checks`, "m"));
    expect(r.stdout).toMatch(/^tug demo all: 7 of 7 demos passed/m);
    expect(r.stdout).not.toMatch(/^ {2}FAIL/m);
    expect(r.stdout).toMatch(new RegExp(`watch it live in the dashboard: ${sys.cluster.apiUrl}/`));
    expect(r.stdout).toMatch(/the scheduler placed all 6 at/);
    expect(r.stdout).toMatch(new RegExp(`replica heal-web-\\S+ killed at ${T}; back and ready at ${T} ${D}`));
    expect(r.stdout).toMatch(new RegExp(`the health monitor marked node-\\d NotReady at ${T} ${D}`));
    expect(r.stdout).toMatch(new RegExp(`replacements .* ready at ${T} ${D}`));
    expect(r.stdout).toMatch(/the autoscaler scaled scale-web 2 → \d/);
    expect(r.stdout).toMatch(/answers: lb-web-\S+ \d+, lb-web-\S+ \d+, lb-web-\S+ \d+$/m);
    expect(r.stdout).toMatch(/DNS answers 4 records at/);
    expect(r.stdout).toMatch(new RegExp(`Tugboat rolled back at ${T} ${D}`));
    expect(r.stdout).not.toMatch(/stopping the cluster the demo started/);
    const left = (await (await fetch(`${sys.cluster.apiUrl}/v1/deployments`)).json()) as { items: unknown[] };
    expect(left.items).toEqual([]);
  }, 600_000);
});

describe("tug demo with no cluster at --api", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "tug-demo-test-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("starts a local cluster, runs the demo, and stops everything it started", async () => {
    const [nats, api, dns] = await freePorts(3);
    const r = await runTug(
      [
        "--nats",
        `nats://127.0.0.1:${nats}`,
        "--api",
        `http://127.0.0.1:${api}`,
        "--data-dir",
        dataDir,
        "demo",
        "self-healing",
        "--dns",
        `127.0.0.1:${dns}`,
        // clear of tug up's default 20000+ and of the ephemeral range the ports above come from
        "--ports-from",
        String(10_000 + 1_000 * randomInt(7)),
      ],
      { timeoutMs: 240_000, graceMs: 60_000 },
    );
    const out = `${r.stdout}\n${r.stderr}`;
    expect(r.code, out).toBe(0);
    expect(r.stdout).toMatch(/no cluster answers at .*: starting a 3-node process cluster/);
    expect(r.stdout).toMatch(/^== self-healing: passed/m);
    expect(r.stdout).toMatch(/stopping the cluster the demo started/);
    expect(existsSync(join(dataDir, "cluster.json")), "cluster.json removed").toBe(false);
    expect(await isListening(api!), "API stopped").toBe(false);
    expect(await isListening(nats!), "NATS stopped").toBe(false);
  }, 300_000);
});
