import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ManifestFileError, parseManifests, readManifestFile } from "./manifests.js";

const dir = mkdtempSync(join(tmpdir(), "tug-manifests-"));
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
    expect(() => parseManifests("# nothing\n", "m.yaml")).toThrow(ManifestFileError);
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

  it("reads a file from disk", () => {
    const f = join(dir, "web.yaml");
    writeFileSync(f, "name: web\ncommand: [node]\n");
    expect(readManifestFile(f)).toEqual([{ name: "web", command: ["node"] }]);
  });
});

describe("tug up --apply manifests", () => {
  it("resolves YAML merge keys", () => {
    const text = "name: web\ncommand: [node]\nenv:\n  <<: { A: a, B: b }\n  B: c\n";
    expect(parseManifests(text)).toEqual([{ name: "web", command: ["node"], env: { A: "a", B: "c" } }]);
  });

  it("names the line of invalid YAML", () => {
    const broken = "name: web\ncommand: [node\nreplicas: 2\n";
    expect(() => parseManifests(broken, "m.yaml")).toThrow(
      /m\.yaml: document 1 is not valid YAML or JSON: .*at line 3, column 1/,
    );
  });
});
