/**
 * The node's advertised address reaches the replicas: docker publishes there, process replicas are told to bind there.
 */
import { bareTemplate } from "@tug/testkit";
import { describe, expect, it } from "vitest";
import { containerSpec } from "./docker-spec.js";
import { replicaEnv } from "./process.js";
import type { ReplicaSpec } from "./types.js";

const template = bareTemplate({
  image: "tug-examples/web:1",
  ports: [{ name: "http", containerPort: 8080, protocol: "tcp" }],
});
const spec: ReplicaSpec = {
  id: "r1",
  deployment: "default/web",
  revision: 1,
  node: "host-2",
  hostPort: 21_000,
  template,
  env: { PORT: "21000" },
};

describe("bind address", () => {
  it("docker publishes the ports on the node address, 127.0.0.1 by default", () => {
    expect(containerSpec(spec, { hostIp: "10.231.0.12" }).body.HostConfig!.PortBindings).toEqual({
      "8080/tcp": [{ HostIp: "10.231.0.12", HostPort: "21000" }],
    });
    expect(containerSpec(spec).body.HostConfig!.PortBindings).toEqual({
      "8080/tcp": [{ HostIp: "127.0.0.1", HostPort: "21000" }],
    });
  });

  it("process replicas get TUG_BIND_ADDRESS and HOST; the template may override HOST only", () => {
    expect(replicaEnv({ PORT: "1" }, "10.231.0.12")).toMatchObject({
      HOST: "10.231.0.12",
      TUG_BIND_ADDRESS: "10.231.0.12",
      PORT: "1",
    });
    expect(replicaEnv({ HOST: "0.0.0.0", TUG_BIND_ADDRESS: "x" }, "10.231.0.12")).toMatchObject({
      HOST: "0.0.0.0",
      TUG_BIND_ADDRESS: "10.231.0.12",
    });
  });
});
