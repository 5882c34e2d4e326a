/**
 * The README's `npx tug …` on a fresh clone: `npm ci` must link the workspace's own `tug` into node_modules/.bin
 * (its bin file is committed, so it exists before the first build), and npx must run that one, never look for a
 * registry package. The clone is simulated with every package.json, the lock file and the bin shim in a temp dir,
 * installed offline from the npm cache; the built dist folders are linked in so `--help` can run.
 */
import { execFile } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const sh = promisify(execFile);
const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** The workspaces as npm finds them: the root package.json's entries, `dir/*` ones expanded, with a package.json. */
const workspaces = (JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { workspaces: string[] }).workspaces
  .flatMap((w) =>
    w.endsWith("/*") ? readdirSync(join(repo, w.slice(0, -2))).map((n) => `${w.slice(0, -2)}/${n}`) : [w],
  )
  .filter((w) => existsSync(join(repo, w, "package.json")));
const clone = mkdtempSync(join(tmpdir(), "tug-npx-"));
afterAll(() => rmSync(clone, { recursive: true, force: true }));

describe("npx tug from a fresh clone", () => {
  it("npm ci links node_modules/.bin/tug to the workspace bin, and npx --no-install tug --help runs it", async () => {
    for (const f of ["package.json", "package-lock.json"]) cpSync(join(repo, f), join(clone, f));
    for (const w of workspaces) {
      mkdirSync(join(clone, w), { recursive: true });
      cpSync(join(repo, w, "package.json"), join(clone, w, "package.json"));
    }
    cpSync(join(repo, "cli/bin"), join(clone, "cli/bin"), { recursive: true });
    await sh("npm", ["ci", "--offline", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: clone });
    expect(readlinkSync(join(clone, "node_modules/.bin/tug"))).toBe("../@tug/cli/bin/tug.js");

    for (const w of workspaces)
      if (existsSync(join(repo, w, "dist"))) symlinkSync(join(repo, w, "dist"), join(clone, w, "dist"));
    const env = { ...process.env, npm_config_offline: "true" };
    const { stdout } = await sh("npx", ["--no-install", "tug", "--help"], { cwd: clone, env });
    expect(stdout).toContain("Tugboat: a container orchestrator");
    expect(stdout).toMatch(/\bapply\b/);
  }, 120_000);
});
