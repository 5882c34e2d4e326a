import { describe, expect, it } from "vitest";
import { hollowEntry, hollowEnv } from "./hollow.js";

describe("cluster - tug hollow options", () => {
  it("turns the options into the hollow process's environment, with calm defaults", () => {
    const env = hollowEnv({
      join: "nats://10.0.0.1:4222",
      nodes: "250",
      prefix: "rack-a",
      first: 1001,
      labels: "zone=a",
    });
    expect(env).toMatchObject({
      TUG_NATS_URL: "nats://10.0.0.1:4222",
      TUG_DRIVER: "fake",
      TUG_HOLLOW_NODES: "250",
      TUG_HOLLOW_PREFIX: "rack-a",
      TUG_HOLLOW_FIRST: "1001",
      TUG_NODE_LABELS: "zone=a",
      TUG_NODE_CPU: "4000",
      TUG_HEARTBEAT_MS: "1000",
    });
    expect(hollowEntry("/repo")).toBe("/repo/services/worker/dist/hollow-main.js");
  });

  it.each([
    [{ join: "http://x:4222" }, /--join/],
    [{ join: "nats://x:4222", nodes: 0 }, /--nodes/],
    [{ join: "nats://x:4222", nodes: "1.5" }, /--nodes/],
    [{ join: "nats://x:4222", prefix: "a.b" }, /--prefix/],
    [{ join: "nats://x:4222", heartbeatMs: 10 }, /--heartbeat-ms/],
  ])("refuses %j, naming the option", (o, message) => {
    expect(() => hollowEnv(o)).toThrow(message);
  });
});

describe("cluster - tug up on hollow nodes", () => {
  it("runs one hollow process per 1,000 fake nodes from 100 nodes on, named node-1 … node-N", async () => {
    const { resolveOptions } = await import("./options.js");
    const { workerProcesses } = await import("./hollow-size.js");
    const { hollowSpecs } = await import("./hollow.js");
    const o = resolveOptions({ driver: "fake", nodes: 2_500, dataDir: "/d", repoRoot: "/repo" });
    expect(workerProcesses(o)).toBe(3);
    expect(workerProcesses(resolveOptions({ driver: "fake", nodes: 30, portsFrom: 30_000, dataDir: "/d" }))).toBe(30);
    expect(workerProcesses(resolveOptions({ driver: "process", nodes: 20, dataDir: "/d" }))).toBe(20);
    const specs = hollowSpecs(o, "nats://127.0.0.1:4222", [9001, 9002, 9003]);
    expect(
      specs.map((s) => [
        s.name,
        s.env?.TUG_HOLLOW_PREFIX,
        s.env?.TUG_HOLLOW_FIRST,
        s.env?.TUG_HOLLOW_NODES,
        s.healthPort,
      ]),
    ).toEqual([
      ["hollow-1", "node", "1", "1000", 9001],
      ["hollow-2", "node", "1001", "1000", 9002],
      ["hollow-3", "node", "2001", "500", 9003],
    ]);
    expect(specs[0]!.args).toEqual(["/repo/services/worker/dist/hollow-main.js"]);
  });
});
