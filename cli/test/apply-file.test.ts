import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "../src/program.js";

const dir = mkdtempSync(join(tmpdir(), "tug-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("manifest files on the command line", () => {
  it("makes invalid YAML a usage error (exit 2) naming the line", async () => {
    const f = join(dir, "broken.yaml");
    writeFileSync(f, "name: web\ncommand: [node\nreplicas: 2\n");
    const errs: string[] = [];
    expect(await run(["node", "tug", "apply", "-f", f], (s) => errs.push(s))).toBe(2);
    expect(errs.join("\n")).toMatch(/broken\.yaml: document 1 is not valid YAML or JSON: .* at line 3, column 1/);
  });
});

describe("command line validation", () => {
  const errs: string[] = [];
  const tug = (...args: string[]) => run(["node", "tug", ...args], (s) => errs.push(s));

  it("exits 2 with a clear message on bad arguments", async () => {
    expect(await tug("scale", "deployment", "web", "--replicas", "-3")).toBe(2);
    expect(await tug("scale", "deployment", "web", "--replicas", "1.5")).toBe(2);
    expect(await tug("get", "services", "Bad_Name")).toBe(2);
    expect(errs.at(-1)).toMatch(/must be a DNS label/);
    expect(await tug("--api", "ftp://x", "get", "nodes")).toBe(2);
    expect(errs.at(-1)).toMatch(/--api must use http/);
    expect(await tug("apply", "-f", join(dir, "nope.yaml"))).toBe(2);
    expect(errs.at(-1)).toMatch(/cannot read/);
  });

  it("exits 1 with a structured error when the API cannot be reached", async () => {
    expect(await tug("--api", "http://127.0.0.1:1", "get", "nodes")).toBe(1);
    expect(errs.at(-1)).toMatch(/^error \[API_UNAVAILABLE\] cannot reach the API/);
  });
});
