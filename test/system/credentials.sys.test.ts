/**
 * Credentials beyond loopback and their rotation while the cluster runs (issue 15): `tug up --hosts 2 --api-host
 * <the lab's bridge address>` serves the API over HTTPS with a certificate from the cluster's CA, which the CLI
 * verifies from the data dir and nothing else trusts; `tug rotate api-token` adds a token the API takes at once while
 * the old one keeps working, and `--retire` makes the API refuse the old one, with no restart.
 * Needs root (the lab): skipped with a notice otherwise, but under CI=true a missing capability fails.
 */
import { randomInt } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { effectiveCaps, missingCaps } from "@tug/cluster";
import { requestText } from "@tug/runtime";
import { eventually, startSystem, type TestSystem } from "@tug/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiAccepts } from "../../cli/src/commands/rotate.js";
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
});
