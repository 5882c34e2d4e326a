/**
 * The live dashboard in a real browser (playwright-core driving Debian's chromium), on a 3-node process-driver
 * cluster: the example app's replicas on their nodes; `tug scale` to 8 shows 8 within 1 s of the intake's reply;
 * a killed replica shows its restart; a killed node shows its replicas move; a rollout shows its progress to
 * completion; an action without the token is refused, one with it goes through. A screenshot of each view is saved
 * (TUG_TEST_REPORT_DIR, else a temp dir that is removed unless TUG_KEEP_TEST_DATA=1).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { killNode, killReplica, readClusterFile, releaseHold } from "@tug/cluster";
import { eventually, shouldSkip, startSystem, type TestSystem } from "@tug/testkit";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run as tug } from "../../cli/src/program.js";
import { browserMissing, launchBrowser, Screenshots } from "./browser.js";
import { intake, readyReplicas, webManifest } from "./helpers.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const uiIndex = join(repoRoot, "services/registry/dist/ui/index.html");
const skip = shouldSkip("the dashboard browser test", browserMissing(uiIndex));
const WEB = "default/web";
/** Replica chips of web that should run (retiring copies are drawn faded and left out). */
const RUNNING = `.chip[data-deployment="${WEB}"]:not(.stopping)`;
const READY = `${RUNNING}[data-ready="true"]`;

/** Waits until the page has exactly `n` elements matching `selector`; resolves with when it saw them. */
async function showsCount(page: Page, selector: string, n: number, timeout = 30_000): Promise<number> {
  await page.waitForFunction(([s, k]) => document.querySelectorAll(s as string).length === k, [selector, n] as const, {
    polling: "raf",
    timeout,
  });
  return Date.now();
}

describe.skipIf(skip)("dashboard, process driver, in chromium", () => {
  let sys: TestSystem;
  let browser: Browser;
  let page: Page;
  let scratch: string;
  let shots: Screenshots;
  const cli = (...args: string[]) =>
    tug(
      ["node", "tug", "--nats", sys.cluster.natsUrl, "--api", sys.cluster.apiUrl, "--data-dir", sys.dataDir, ...args],
      () => {},
    );
  const tab = (name: string) => page.click(`[data-tab="${name}"]`);

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), "tug-dashboard-"));
    shots = new Screenshots(process.env.TUG_TEST_REPORT_DIR || join(scratch, "screenshots"));
    [sys, browser] = await Promise.all([
      startSystem({ nodes: 3, driver: "process", workdir: repoRoot }),
      launchBrowser(),
    ]);
    await intake(sys.bus, "apply", webManifest(4, { strategy: { maxSurge: "50%", maxUnavailable: 0 } }));
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${sys.cluster.apiUrl}/#token=${sys.cluster.apiToken}`);
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await sys?.stop();
    console.log(`dashboard screenshots: ${shots?.saved.join(", ")}`);
    if (process.env.TUG_KEEP_TEST_DATA !== "1" && !process.env.TUG_TEST_REPORT_DIR)
      rmSync(scratch, { recursive: true, force: true });
  }, 60_000);

  it("shows the example app's replicas on their nodes, live through SSE", async () => {
    expect(page.url()).not.toContain("token="); // the fragment moved into sessionStorage
    await showsCount(page, READY, 4);
    const inStore = await readyReplicas(sys.store, WEB);
    for (const r of inStore) {
      const chip = page.locator(`[data-node-box="${r.node}"] .chip[data-replica="${r.id}"]`);
      expect(await chip.count(), `${r.id} on ${r.node}`).toBe(1);
    }
    expect(await page.locator("[data-link]").getAttribute("data-link")).toBe("live");
    await shots.take(page, "nodes");
  });

  it("tug scale to 8 shows 8 replicas within 1 s of the intake's reply", async () => {
    const before = page.locator(RUNNING);
    expect(await before.count()).toBe(4);
    expect(await cli("scale", "deployment", "web", "--replicas", "8")).toBe(0);
    const replied = Date.now();
    const shown = await showsCount(page, RUNNING, 8, 10_000);
    console.log(`dashboard: 8 replicas shown ${shown - replied} ms after the intake's reply`);
    expect(shown - replied).toBeLessThan(1_000);
    await showsCount(page, READY, 8);
  }, 60_000);

  it("shows a killed replica restart", async () => {
    const [victim] = await readyReplicas(sys.store, WEB);
    const chip = page.locator(`.chip[data-replica="${victim!.id}"]`);
    expect(await chip.getAttribute("data-restarts")).toBe(String(victim!.restarts));
    await killReplica(readClusterFile(sys.dataDir), victim!.id);
    await page.waitForFunction(
      ([id, n]) => Number(document.querySelector(`.chip[data-replica="${id}"]`)?.getAttribute("data-restarts")) > n,
      [victim!.id, victim!.restarts] as const,
      { timeout: 30_000 },
    );
    await showsCount(page, READY, 8);
    await chip.click(); // the replica's panel, with its restart count and last exit
    await page.waitForSelector(`[data-replica-panel="${victim!.id}"]`);
    await shots.take(page, "replica-restarted");
  }, 60_000);

  it("shows a killed node's replicas move to the other nodes", async () => {
    const node = "node-2";
    const onNode = () => page.locator(`[data-node-box="${node}"] ${RUNNING}`).count();
    expect(await onNode()).toBeGreaterThan(0);
    await killNode(readClusterFile(sys.dataDir), node, 120_000);
    await page.waitForSelector(`[data-node-box="${node}"][data-status="NotReady"]`, { timeout: 30_000 });
    await page.waitForFunction(
      ([n, running, ready]) =>
        document.querySelectorAll(`[data-node-box="${n}"] ${running}`).length === 0 &&
        document.querySelectorAll(ready as string).length === 8,
      [node, RUNNING, READY] as const,
      { timeout: 45_000 },
    );
    await shots.take(page, "node-killed");
    releaseHold(sys.dataDir, `worker-${node}`);
    await page.waitForSelector(`[data-node-box="${node}"][data-status="Ready"]`, { timeout: 45_000 });
  }, 120_000);

  it("shows a rollout's progress to completion, with its revision history", async () => {
    await tab("deployments");
    const row = `[data-deployment-row="${WEB}"]`;
    await page.waitForSelector(`${row}[data-rollout="complete"]`);
    // record every rollout state the row goes through
    await page.evaluate((sel) => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      const note = () => {
        const el = document.querySelector(sel);
        const s = `${el?.getAttribute("data-rollout")}:${el?.getAttribute("data-updated")}`;
        if (seen.at(-1) !== s) seen.push(s);
      };
      new MutationObserver(note).observe(document.body, { subtree: true, attributes: true, childList: true });
    }, row);
    await intake(
      sys.bus,
      "apply",
      webManifest(8, { env: { VERSION: "2" }, strategy: { maxSurge: "25%", maxUnavailable: 0 } }),
    );
    await page.waitForSelector(`${row}[data-revision="2"][data-rollout="progressing"]`, { timeout: 10_000 });
    await shots.take(page, "deployments-rolling");
    await page.waitForSelector(`${row}[data-revision="2"][data-rollout="complete"][data-ready="8"]`, {
      timeout: 60_000,
    });
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    const progressing = seen.filter((s) => s.startsWith("progressing"));
    expect(progressing.length, seen.join(" ")).toBeGreaterThan(1); // it moved through steps, not in one jump
    await page.click(`${row} button.link`);
    await page.waitForSelector(`[data-history="${WEB}"] li:nth-child(2)`);
    await shots.take(page, "deployments");
  }, 90_000);

  it("refuses an action without the token and carries one out with it", async () => {
    const anonymous = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    try {
      await anonymous.goto(`${sys.cluster.apiUrl}/?tab=deployments`);
      await anonymous.waitForSelector(`[data-token="unset"]`);
      const row = `[data-deployment-row="${WEB}"]`;
      await anonymous.fill(`${row} input[type="number"]`, "2");
      await anonymous.click(`${row} button:has-text("Scale")`);
      await anonymous.waitForSelector(`[data-action-result="UNAUTHENTICATED"]`);
      expect((await sys.store.deployment(WEB))!.replicas).toBe(8);
    } finally {
      await anonymous.close();
    }
    await tab("nodes");
    await page.click(`[data-node-box="node-3"] button:has-text("Cordon")`);
    await page.waitForSelector(`[data-node-box="node-3"].cordoned`, { timeout: 10_000 });
    await eventually(async () => expect((await sys.store.node("node-3"))!.cordoned).toBe(true));
    await page.click(`[data-node-box="node-3"] button:has-text("Uncordon")`);
    await page.waitForSelector(`[data-node-box="node-3"].ready`, { timeout: 10_000 });
  }, 60_000);

  it("shows services with their endpoints, and the event feed", async () => {
    await tab("services");
    await page.waitForSelector(`[data-service="${WEB}"][data-endpoints="8"]`, { timeout: 30_000 });
    expect(await page.locator('.events li[data-reason="Scaled"]').count()).toBeGreaterThan(0);
    await shots.take(page, "services");
  }, 60_000);
});
