/**
 * The README's `npx tug …` lines, verbatim, run from the repository root against a running cluster: npx resolves the
 * workspace's own `tug` (offline, so never a registry package), and `TUG_DATA_DIR` points every command at the
 * cluster (its cluster.json names NATS and the API; `chaos` finds its processes there). The fake driver keeps the
 * README's ports and published 18080 free for whatever else runs on this machine.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { eventually, startSystem, type TestSystem } from "@tug/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectCount, intake, readyReplicas } from "./helpers.js";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const commands = [...readme.matchAll(/^(npx tug [^#\n]*?)\s*(?:#.*)?$/gm)].map((m) => m[1]!);
let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ nodes: 3, driver: "fake" });
  const ports = [{ name: "http", containerPort: 8080 }];
  await intake(sys.bus, "apply", { name: "web", command: ["node", "server.js"], replicas: 5, ports });
  await readyCount(5);
}, 120_000);
afterAll(async () => {
  await sys?.stop();
}, 60_000);

/** Waits until `default/web` has `n` ready replicas. */
async function readyCount(n: number): Promise<void> {
  const ready = async () => expectCount("ready", (await readyReplicas(sys.store, "default/web")).length, n);
  await eventually(ready, { timeoutMs: 60_000 });
}

function sh(line: string): Promise<{ code: number; out: string }> {
  const env = { ...process.env, TUG_DATA_DIR: sys.dataDir, npm_config_offline: "true" };
  return new Promise((resolve) => {
    execFile("sh", ["-c", line], { cwd: repo, env, timeout: 90_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

describe("the README's commands", () => {
  it("lists the npx tug lines it shows", () => {
    expect(commands).toContain("npx tug get replicas");
    expect(commands).toContain("npx tug chaos kill-node node-2");
  });

  it("each one works verbatim", async () => {
    for (const line of commands.filter((c) => !c.startsWith("npx tug chaos run"))) {
      if (line.startsWith("npx tug rollout status")) {
        await readyCount(8);
      }
      const r = await sh(line);
      expect(r.code, `${line}\n${r.out}`).toBe(0);
    }
  }, 300_000);
});
