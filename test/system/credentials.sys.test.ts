/**
 * Credentials beyond loopback and their rotation while the cluster runs (issue 15): `tug up --hosts 2 --api-host
 * <the lab's bridge address>` serves the API over HTTPS with a certificate from the cluster's CA, which the CLI
 * verifies from the data dir and nothing else trusts; `tug rotate api-token` adds a token the API takes at once while
 * the old one keeps working, and `--retire` makes the API refuse the old one, with no restart; `tug rotate redis`
 * does the same for every Redis user, and the processes follow their password files through a Redis restart.
 * Needs root (the lab): skipped with a notice otherwise, but under CI=true a missing capability fails.
 */
import { randomInt } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { effectiveCaps, missingCaps } from "@tug/cluster";
import { requestText } from "@tug/runtime";
import { oneShot } from "@tug/state";
import { eventually, startSystem, type TestSystem } from "@tug/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiAccepts } from "../../cli/src/commands/rotate.js";
import { expectCount, intake, readyReplicas } from "./helpers.js";
import { labLeftovers } from "./lab.js";
import { runTug } from "./tug-cli.js";

const missing = missingCaps(effectiveCaps());
const ci = process.env.CI === "true";
if (missing.length && !ci)
  console.warn(`\n*** SKIPPING the credentials tests: need root (${missing.join(", ")}) ***\n`);

describe.skipIf(missing.length > 0 && !ci)("credentials: TLS beyond loopback, rotation without a restart", () => {
  let sys: TestSystem;
  const subnetBase = `10.231.${randomInt(129, 250)}`;
  const apiHost = `${subnetBase}.1`; // the lab's bridge address, held by the root namespace's uplink
  const tug = (...args: string[]) => runTug(["--data-dir", sys.dataDir, ...args], { timeoutMs: 60_000 });
  const tokens = () => readFileSync(join(sys.dataDir, "api-token"), "utf8").trim().split("\n");
  const opens = (user: string, password: string) => opensOn(sys.cluster.redisUrl, user, password);

  beforeAll(async () => {
    if (missing.length) throw new Error(`CI=true: the hosts lab needs root, missing ${missing.join(", ")}`);
    sys = await startSystem({ hosts: 2, hostsSubnet: `${subnetBase}.0/24`, apiHost, readyTimeoutMs: 60_000 });
  }, 120_000);

  afterAll(async () => {
    if (!sys) return;
    const lab = sys.cluster.lab!;
    await sys.stop();
    expect(labLeftovers(lab, sys.dataDir)).toEqual([]);
  }, 60_000);

  it("serves the API over HTTPS on the lab's address; the CLI verifies it with the data dir's CA", async () => {
    expect(sys.cluster.apiUrl).toMatch(new RegExp(`^https://${apiHost.replaceAll(".", "\\.")}:\\d+$`));
    const ca = sys.cluster.apiCa!;
    expect(ca).toContain("BEGIN CERTIFICATE");
    const nodes = await eventually(() => requestText(`${sys.cluster.apiUrl}/v1/nodes`, { ca }), {
      timeoutMs: 20_000,
      what: "the API listening",
    });
    expect(nodes.status).toBe(200);
    await expect(requestText(`${sys.cluster.apiUrl}/v1/nodes`)).rejects.toThrow(/certificate/);
    const plain = await requestText(`${sys.cluster.apiUrl.replace("https:", "http:")}/v1/nodes`).catch((e) => e);
    expect(plain instanceof Error || plain.status === 400, "plain HTTP gets no API answer").toBe(true);

    const get = await tug("get", "nodes", "-o", "json");
    expect(get.code, get.stderr).toBe(0);
    expect((JSON.parse(get.stdout) as Array<{ id: string }>).map((n) => n.id).sort()).toEqual(["host-1", "host-2"]);
  });

  it("rotates the API token with no restart: both work, then --retire leaves only the new one", async () => {
    const [old] = tokens();
    const rotated = await tug("rotate", "api-token");
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toContain("the API takes it");
    const [fresh, kept] = tokens();
    expect(kept).toBe(old);
    const ca = sys.cluster.apiCa;
    expect(await apiAccepts(sys.cluster.apiUrl, fresh!, ca)).toBe(true);
    expect(await apiAccepts(sys.cluster.apiUrl, old!, ca)).toBe(true);

    const retired = await tug("rotate", "api-token", "--retire");
    expect(retired.code, retired.stderr).toBe(0);
    expect(tokens()).toEqual([fresh]);
    expect(await apiAccepts(sys.cluster.apiUrl, old!, ca)).toBe(false);
    expect(await apiAccepts(sys.cluster.apiUrl, fresh!, ca)).toBe(true);
  });

  it("rotates every Redis password with no restart; after --retire only the new ones open a session", async () => {
    const pass = (u: string) => readFileSync(join(sys.dataDir, "redis-auth", `${u}.pass`), "utf8").trim();
    const old = { controller: pass("controller"), registry: pass("registry"), admin: pass("admin") };
    const rotated = await tug("rotate", "redis");
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toContain("new passwords for");
    const fresh = { controller: pass("controller"), registry: pass("registry"), admin: pass("admin") };
    expect(fresh.controller).not.toBe(old.controller);
    for (const [user, pw] of [...Object.entries(old), ...Object.entries(fresh)])
      expect(await opens(user, pw), `${user} with ${pw === fresh[user as "admin"] ? "new" : "old"}`).toBe("ok");

    await new Promise((r) => setTimeout(r, 2_500)); // every process re-reads its password file within 1 s
    const retired = await tug("rotate", "redis", "--retire");
    expect(retired.code, retired.stderr).toBe(0);
    for (const [user, pw] of Object.entries(old)) expect(await opens(user, pw), `${user} with old`).not.toBe("ok");
    for (const [user, pw] of Object.entries(fresh)) expect(await opens(user, pw)).toBe("ok");

    // Redis restarts from its ACL file (only the new passwords): every process reconnects with the one it follows,
    // so writes (controller, scheduler, health-monitor) and reads (registry) go on
    await sys.cluster.restart("redis");
    await intake(sys.bus, "apply", { name: "after-rotation", command: ["sleep", "infinity"], replicas: 2 });
    await eventually(
      async () => expectCount("ready", (await readyReplicas(sys.store, "default/after-rotation")).length, 2),
      {
        timeoutMs: 30_000,
        what: "2 ready replicas after the rotation",
      },
    );
    const api = await requestText(`${sys.cluster.apiUrl}/v1/deployments/default/after-rotation`, {
      ca: sys.cluster.apiCa,
    });
    expect(api.status).toBe(200);
  }, 90_000);
});

/** "ok" when `user` with `password` opens a session on the cluster's Redis, else the error. */
async function opensOn(url: string, user: string, password: string): Promise<string> {
  const u = new URL(url);
  return oneShot(u.hostname, Number(u.port), 2_000, (r) => r.ping(), { username: user, password }).then(
    () => "ok",
    (err: Error) => err.message,
  );
}
