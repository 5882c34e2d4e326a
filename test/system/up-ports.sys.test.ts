/**
 * `tug up --nats-port --redis-port --api-port --dns-port`: a second cluster (or one beside a system Redis) started
 * from the CLI listens exactly where it was told, says so in its banner, and the health/metrics ports it picks stay
 * out of its workers' replica port range.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePortsOutside } from "@tug/cluster";
import { waitForPort } from "@tug/testkit";
import { afterAll, describe, expect, it } from "vitest";

const MAIN = fileURLToPath(new URL("../../cli/dist/main.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "tug-up-ports-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("tug up port flags", () => {
  it("runs NATS, Redis, the API and DNS on the ports given, with health ports outside the replica range", async () => {
    // a replica range inside the OS's ephemeral range (where port-0 picks come from), and fixed ports outside it
    // (tug up refuses a fixed port inside a worker's range)
    const portsFrom = 41_000;
    const [nats, redis, api, dns] = await freePortsOutside(4, [[portsFrom, portsFrom + 999]]);
    const args = [
      "up",
      "--driver",
      "fake",
      "--nodes",
      "1",
      "--data-dir",
      join(dir, "d"),
      "--ports-from",
      String(portsFrom),
      "--nats-port",
      String(nats),
      "--redis-port",
      String(redis),
      "--api-port",
      String(api),
      "--dns-port",
      String(dns),
    ];
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.stderr.on("data", (d: Buffer) => (out += d));
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    try {
      const deadline = Date.now() + 90_000;
      const up = () => out.includes("Ctrl-C stops everything");
      while (!up() && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
      expect(out).toContain(`API       http://127.0.0.1:${api}`);
      expect(out).toContain(`DNS       127.0.0.1:${dns}`);
      expect(out).toContain(`NATS      nats://127.0.0.1:${nats}`);
      expect(out).toContain(`Redis     redis://127.0.0.1:${redis}`);
      await Promise.all([nats, redis, api].map((p) => waitForPort(p!, 5_000)));
      const health = [...out.matchAll(/health :(\d+)/g)].map((m) => Number(m[1]));
      expect(health.length).toBeGreaterThan(0);
      for (const p of health) expect(p < portsFrom || p > portsFrom + 999, `health port ${p}`).toBe(true);
    } finally {
      child.kill("SIGINT");
      await exited;
    }
  }, 120_000);
});
