import { describe, expect, it } from "vitest";
import { parseSyncReply } from "./assignments.js";

const template = {
  command: ["node", "x.js"],
  env: {},
  ports: [],
  restartPolicy: "Always",
  terminationGracePeriodSeconds: 1,
};
const entry = (id: string, extra: object = {}) => ({
  replica: { id, deployment: "default/web", revision: 1, desired: "run", gen: 1 },
  template,
  ...extra,
});

describe("sync reply validation", () => {
  it("accepts a good reply and applies template defaults", () => {
    const r = parseSyncReply(
      { ok: true, node: "n1", assignments: [entry("a"), entry("b", { template: { command: ["x"] } })] },
      "n1",
    );
    expect(r.malformed).toEqual([]);
    expect(r.assignments.map((a) => a.replica.id)).toEqual(["a", "b"]);
    expect(r.assignments[1]!.template).toMatchObject({
      env: {},
      ports: [],
      restartPolicy: "Always",
      terminationGracePeriodSeconds: 10,
    });
  });

  it("rejects a reply that is not ok, for another node, or not a list", () => {
    expect(() => parseSyncReply({ ok: false, node: "n1", assignments: [] }, "n1")).toThrow();
    expect(() => parseSyncReply({ ok: true, node: "n2", assignments: [] }, "n1")).toThrow(/n2/);
    expect(() => parseSyncReply({ ok: true, node: "n1", assignments: "x" }, "n1")).toThrow();
    expect(() => parseSyncReply(null, "n1")).toThrow();
  });

  it("keeps the id of an entry with a bad template, drops entries without an id, and flags duplicates", () => {
    const r = parseSyncReply(
      {
        ok: true,
        node: "n1",
        assignments: [
          entry("a"),
          entry("b", { template: { restartPolicy: "Sometimes" } }),
          { replica: { desired: "run" } },
          42,
          entry("a"),
        ],
      },
      "n1",
    );
    expect(r.assignments.map((a) => a.replica.id)).toEqual(["a"]);
    expect(r.malformed.map((m) => m.id)).toEqual(["b", undefined, undefined, "a"]);
  });

  it("keeps sampleUsage only when it is exactly true", () => {
    const r = parseSyncReply(
      {
        ok: true,
        node: "n1",
        assignments: [entry("a", { sampleUsage: true }), entry("b", { sampleUsage: "yes" }), entry("c")],
      },
      "n1",
    );
    expect(r.assignments.map((a) => a.sampleUsage)).toEqual([true, undefined, undefined]);
  });
});
