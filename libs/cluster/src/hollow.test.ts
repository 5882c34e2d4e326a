import { describe, expect, it } from "vitest";
import { hollowEntry, hollowEnv } from "./hollow.js";

describe("cluster - tug hollow options", () => {
  it("turns the options into the hollow process's environment, with calm defaults", () => {
    const env = hollowEnv({ join: "nats://10.0.0.1:4222", nodes: "250", prefix: "rack-a", first: 1001, labels: "zone=a" });
    expect(env).toMatchObject({
      TUG_NATS_URL: "nats://10.0.0.1:4222", TUG_DRIVER: "fake", TUG_HOLLOW_NODES: "250", TUG_HOLLOW_PREFIX: "rack-a",
      TUG_HOLLOW_FIRST: "1001", TUG_NODE_LABELS: "zone=a", TUG_NODE_CPU: "4000", TUG_HEARTBEAT_MS: "1000",
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
