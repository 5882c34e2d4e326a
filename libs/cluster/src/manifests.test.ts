import { describe, expect, it } from "vitest";
import { parseManifests } from "./manifests.js";

describe("tug up --apply manifests", () => {
  it("resolves YAML merge keys", () => {
    const text = "name: web\ncommand: [node]\nenv:\n  <<: { A: a, B: b }\n  B: c\n";
    expect(parseManifests(text)).toEqual([{ name: "web", command: ["node"], env: { A: "a", B: "c" } }]);
  });

  it("names the line of invalid YAML", () => {
    const broken = "name: web\ncommand: [node\nreplicas: 2\n";
    expect(() => parseManifests(broken, "m.yaml")).toThrow(/m\.yaml: document 1: .*at line 3, column 1/);
  });
});
