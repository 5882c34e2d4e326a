import { describe, expect, it } from "vitest";
import { OptionError, resolveOptions } from "./options.js";
import { formatLine } from "./format.js";

describe("resolveOptions", () => {
  it("fills defaults and converts CLI strings", () => {
    const o = resolveOptions({ nodes: "5", portsFrom: "30000", driver: "fake" });
    expect(o).toMatchObject({
      nodes: 5,
      portsFrom: 30000,
      driver: "fake",
      natsPort: 4222,
      redisPort: 6379,
      apiPort: 7070,
      dnsPort: 5353,
      prefix: "tug",
      replicasPerComponent: 1,
    });
    expect(resolveOptions({ heartbeatMs: 200 }).env.TUG_HEARTBEAT_MS).toBe("200");
    expect(resolveOptions({ driver: "docker", dockerNetwork: "host" }).env.TUG_DOCKER_NETWORK).toBe("host");
    expect(resolveOptions({ driver: "docker" }).env.TUG_DOCKER_NETWORK).toBeUndefined();
  });
  it.each([
    [{ nodes: "three" }, /--nodes: must be an integer/],
    [{ nodes: -1 }, /--nodes: must be between/],
    [{ driver: "podman" }, /--driver: must be one of/],
    [{ portsFrom: 65000, nodes: 3 }, /--ports-from/],
    [{ replicasPerComponent: "0" }, /--replicas-per-component/],
    [{ dataDir: " " }, /--data-dir/],
    [{ driver: "docker", dockerNetwork: "none" }, /--docker-network: must be bridge or host/],
    [{ driver: "process", dockerNetwork: "host" }, /--docker-network: applies to the docker driver/],
  ])("rejects %j", (input, msg) => {
    expect(() => resolveOptions(input)).toThrow(OptionError);
    expect(() => resolveOptions(input)).toThrow(msg);
  });
});

describe("formatLine", () => {
  it("renders pino JSON compactly and leaves other lines alone", () => {
    expect(
      formatLine(
        "controller-1",
        '{"level":30,"time":"t","pid":1,"component":"controller","msg":"hello","id":"default/web"}',
        14,
      ),
    ).toBe("controller-1   INFO  hello  id=default/web");
    expect(formatLine("nats", "[1] server ready", 4)).toBe("nats [1] server ready");
  });
});
