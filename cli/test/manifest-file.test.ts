import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UsageError } from "../src/errors.js";
import { parseManifests, readManifestFile } from "../src/manifest-file.js";
import { run } from "../src/program.js";

const dir = mkdtempSync(join(tmpdir(), "tug-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("manifest files", () => {
  it("reads several YAML documents and skips empty ones", () => {
    const docs = parseManifests(
      "name: web\nreplicas: 2\n---\n---\nname: api\nports: [{ containerPort: 80, published: 18080 }]\n",
    );
    expect(docs).toEqual([
      { name: "web", replicas: 2 },
      { name: "api", ports: [{ containerPort: 80, published: 18080 }] },
    ]);
  });

  it("reads JSON", () => {
    expect(parseManifests('{"name":"web","command":["node","x.js"]}')).toEqual([
      { name: "web", command: ["node", "x.js"] },
    ]);
  });

  it("rejects bad YAML, non-mappings and empty files with a clear error", () => {
    expect(() => parseManifests("name: [web", "m.yaml")).toThrow(/m\.yaml: document 1 is not valid YAML or JSON/);
    expect(() => parseManifests("name: web\n---\n- a\n- b\n", "m.yaml")).toThrow(
      /document 2 must be a mapping.*got a list/,
    );
    expect(() => parseManifests("# nothing\n", "m.yaml")).toThrow(UsageError);
    expect(() => readManifestFile(join(dir, "missing.yaml"))).toThrow(/cannot read .*missing\.yaml/);
  });

  it("resolves YAML merge keys as kubectl and compose do, and drops top-level x- keys", () => {
    const text =
      "x-probe: &probe\n  http: { path: /healthz, port: 8080 }\n  periodSeconds: 1\nname: web\ncommand: [node]\n" +
      "readinessProbe: *probe\nlivenessProbe:\n  <<: *probe\n  failureThreshold: 5\n";
    expect(parseManifests(text)).toEqual([
      {
        name: "web",
        command: ["node"],
        readinessProbe: { http: { path: "/healthz", port: 8080 }, periodSeconds: 1 },
        livenessProbe: { http: { path: "/healthz", port: 8080 }, periodSeconds: 1, failureThreshold: 5 },
      },
    ]);
  });

  it("makes invalid YAML a usage error (exit 2) naming the line", async () => {
    const f = join(dir, "broken.yaml");
    writeFileSync(f, "name: web\ncommand: [node\nreplicas: 2\n");
    const errs: string[] = [];
    expect(await run(["node", "tug", "apply", "-f", f], (s) => errs.push(s))).toBe(2);
    expect(errs.join("\n")).toMatch(/broken\.yaml: document 1 is not valid YAML or JSON: .* at line 3, column 1/);
  });

  it("reads a file from disk", () => {
    const f = join(dir, "web.yaml");
    writeFileSync(f, "name: web\ncommand: [node]\n");
    expect(readManifestFile(f)).toEqual([{ name: "web", command: ["node"] }]);
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
