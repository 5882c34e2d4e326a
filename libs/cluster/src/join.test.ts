import { describe, expect, it } from "vitest";
import { joinEnv } from "./join.js";
import { OptionError } from "./options.js";

const ok = { join: "nats://10.231.0.1:4222", address: "10.231.0.12", node: "host-2" };

describe("joinEnv", () => {
  it("gives the worker its NATS URL, node, address (also for /healthz) and driver", () => {
    const env = joinEnv({ ...ok, driver: "process", portsFrom: "21000", stopReplicasOnExit: true });
    expect(env).toMatchObject({
      TUG_NATS_URL: "nats://10.231.0.1:4222",
      TUG_NODE: "host-2",
      TUG_NODE_ADDRESS: "10.231.0.12",
      TUG_HEALTH_HOST: "10.231.0.12",
      TUG_DRIVER: "process",
      TUG_PORTS_FROM: "21000",
      TUG_WORKER_STOP_ON_EXIT: "1",
    });
    expect(env.TUG_REDIS_URL).toBeUndefined();
    expect(env.TUG_DOCKER_NETWORK).toBeUndefined();
    expect(joinEnv({ ...ok, driver: "docker", dockerNetwork: "host" }).TUG_DOCKER_NETWORK).toBe("host");
  });

  it.each([
    [{ ...ok, join: "http://x:4222" }, "join"],
    [{ ...ok, address: "not an address!" }, "address"],
    [{ ...ok, node: "a.b" }, "node"],
    [{ ...ok, driver: "kvm" }, "driver"],
    [{ ...ok, portsFrom: "80" }, "portsFrom"],
    [{ ...ok, dockerNetwork: "none" }, "dockerNetwork"],
  ])("refuses %j naming --%s", (o, option) => {
    expect(() => joinEnv(o)).toThrow(OptionError);
    try {
      joinEnv(o);
    } catch (err) {
      expect((err as OptionError).option).toBe(option);
    }
  });
});
