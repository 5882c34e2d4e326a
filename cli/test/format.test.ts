import { describe, expect, it } from "vitest";
import type { DeploymentRecord, ReplicaRecord } from "@tug/contracts";
import { deploymentsTable, endpointsTable } from "../src/commands/get.js";
import { age, memory, render, table } from "../src/format.js";

describe("table", () => {
  it("aligns columns like kubectl, with upper-case headers and no trailing spaces", () => {
    expect(
      table(
        ["name", "ready", "age"],
        [
          ["web", "2/3", "5m"],
          ["database-primary", "1/1", "2h"],
        ],
      ),
    ).toBe(
      ["NAME               READY   AGE", "web                2/3     5m", "database-primary   1/1     2h"].join("\n"),
    );
    expect(table(["name", "note"], [["a", undefined]])).toBe("NAME   NOTE\na");
  });

  it("renders json and yaml, and the table by default", () => {
    expect(render({ a: 1 }, "json", () => "t")).toBe('{\n  "a": 1\n}');
    expect(render({ a: 1 }, "yaml", () => "t")).toBe("a: 1");
    expect(render({ a: 1 }, "table", () => "t")).toBe("t");
  });

  it("formats ages and memory", () => {
    expect(age(0)).toBe("<unknown>");
    expect(age(1_000, 31_000)).toBe("30s");
    expect(age(0 + 1, 3 * 3600_000)).toBe("2h");
    expect(age(1, 3 * 86_400_000)).toBe("2d");
    expect(memory(64 * 1024 * 1024)).toBe("64Mi");
    expect(memory(1.5 * 1024 ** 3)).toBe("1.5Gi");
  });

  it("counts ready and up-to-date replicas per deployment", () => {
    const dep = {
      id: "default/web",
      namespace: "default",
      name: "web",
      replicas: 3,
      revision: 2,
      createdAt: 1,
    } as DeploymentRecord;
    const rep = (revision: number, ready: boolean, desired: "run" | "stop" = "run") =>
      ({ deployment: "default/web", revision, ready, desired }) as ReplicaRecord;
    const out = deploymentsTable([dep], [rep(2, true), rep(1, true), rep(2, false), rep(1, true, "stop")], 61_001);
    const [header, row] = out.split("\n");
    const cells = row!.trim().split(/\s+/);
    expect(header!.trim().split(/\s+/)).toEqual([
      "NAMESPACE",
      "NAME",
      "READY",
      "UP-TO-DATE",
      "CURRENT",
      "DESIRED",
      "MIN",
      "MAX",
      "REVISION",
      "AGE",
      "LAST-SCALE",
    ]);
    expect(cells).toEqual(["default", "web", "2/3", "2", "3", "3", "-", "-", "2", "61s"]);
  });

  it("lists endpoints comma-separated, <none> when empty", () => {
    const out = endpointsTable([
      {
        name: "web",
        namespace: "default",
        revision: 1,
        index: 3,
        endpoints: [
          { host: "127.0.0.1", port: 1, replica: "a", node: "n", ready: true },
          { host: "127.0.0.1", port: 2, replica: "b", node: "n", ready: true },
        ],
      },
      { name: "db", namespace: "default", revision: 1, index: 0, endpoints: [] },
    ]);
    expect(out).toBe(
      "NAMESPACE   NAME   ENDPOINTS\ndefault     web    127.0.0.1:1,127.0.0.1:2\ndefault     db     <none>",
    );
  });
});
