import type { Template } from "@tug/contracts";
import { describe, expect, it } from "vitest";
import {
  containerName,
  containerSpec,
  type InspectedContainer,
  MIN_MEMORY_LIMIT,
  portBindingsOf,
  replicaOfContainer,
} from "./docker-spec.js";
import type { ReplicaSpec } from "./types.js";

const template = (over: Partial<Template> = {}): Template =>
  ({
    image: "tug-examples/web:1",
    env: { GREETING: "ahoy" },
    ports: [
      { name: "http", containerPort: 8080, protocol: "tcp" },
      { name: "admin", containerPort: 9090, protocol: "tcp" },
    ],
    resources: { cpuMillis: 250, memoryBytes: 64 * 1024 * 1024 },
    nodeSelector: {},
    restartPolicy: "Always",
    terminationGracePeriodSeconds: 2,
    ...over,
  }) as Template;
const spec = (t: Template = template()): ReplicaSpec => ({
  id: "web-1-abc",
  deployment: "default/web",
  revision: 3,
  node: "n1",
  hostPort: 20_005,
  template: t,
  env: { ...t.env, TUG_REPLICA_ID: "web-1-abc", TUG_NODE: "n1", TUG_REVISION: "3", PORT: "20005" },
});

describe("containerSpec", () => {
  it("labels the container with the replica, deployment, revision, node, managed flag and extra labels", () => {
    const { body } = containerSpec(spec(), { extraLabels: { "tug.test-run": "r1" } });
    expect(body.Labels).toEqual({
      "tug.replica": "web-1-abc",
      "tug.deployment": "default/web",
      "tug.revision": "3",
      "tug.node": "n1",
      "tug.managed": "1",
      "tug.test-run": "r1",
    });
  });

  it("labels a replica whose deployment stops it when cut off with that setting, and reads it back", () => {
    const { body } = containerSpec(spec(template({ disconnect: { stopAfterSeconds: 7 } })));
    expect(body.Labels).toMatchObject({ "tug.stop-after-seconds": "7" });
    const back = replicaOfContainer({
      Id: "c3",
      Config: { Labels: body.Labels, Env: body.Env },
      State: { Running: true },
      HostConfig: { PortBindings: body.HostConfig!.PortBindings },
    });
    expect(back).toMatchObject({ replicaId: "web-1-abc", stopAfterSeconds: 7 });
    expect(containerSpec(spec()).body.Labels).not.toHaveProperty("tug.stop-after-seconds");
  });

  it("extra labels cannot override the tug.* identity labels", () => {
    const { body } = containerSpec(spec(), { extraLabels: { "tug.node": "other" } });
    expect(body.Labels!["tug.node"]).toBe("n1");
  });

  it("passes the replica env with PORT set to the first container port", () => {
    const { body } = containerSpec(spec());
    expect(body.Env).toEqual(
      expect.arrayContaining([
        "GREETING=ahoy",
        "TUG_REPLICA_ID=web-1-abc",
        "TUG_NODE=n1",
        "TUG_REVISION=3",
        "PORT=8080",
      ]),
    );
    expect(body.Env).not.toContain("PORT=20005");
  });

  it("defaults PORT to 8080 and publishes it when the template has no ports", () => {
    const { body } = containerSpec(spec(template({ ports: [] })));
    expect(body.Env).toContain("PORT=8080");
    expect(body.HostConfig!.PortBindings).toEqual({ "8080/tcp": [{ HostIp: "127.0.0.1", HostPort: "20005" }] });
  });

  it("binds the host port to the first container port on loopback, leaves others unpublished unless offered", () => {
    expect(containerSpec(spec()).body.HostConfig!.PortBindings).toEqual({
      "8080/tcp": [{ HostIp: "127.0.0.1", HostPort: "20005" }],
    });
    expect(containerSpec(spec()).body.ExposedPorts).toEqual({ "8080/tcp": {}, "9090/tcp": {} });
    expect(containerSpec(spec(), { extraHostPorts: [20_006] }).body.HostConfig!.PortBindings).toEqual({
      "8080/tcp": [{ HostIp: "127.0.0.1", HostPort: "20005" }],
      "9090/tcp": [{ HostIp: "127.0.0.1", HostPort: "20006" }],
    });
  });

  it("sets init, limits and no restart policy", () => {
    const hc = containerSpec(spec()).body.HostConfig!;
    expect(hc).toMatchObject({
      Init: true,
      NanoCpus: 250_000_000,
      Memory: 64 * 1024 * 1024,
      RestartPolicy: { Name: "no" },
    });
  });

  it("skips a zero CPU limit and raises a memory limit below Docker's 6 MiB minimum to it", () => {
    const hc = containerSpec(spec(template({ resources: { cpuMillis: 0, memoryBytes: 4 * 1024 * 1024 } }))).body
      .HostConfig!;
    expect(hc.NanoCpus).toBeUndefined();
    expect(hc.Memory).toBe(MIN_MEMORY_LIMIT);
    expect(containerSpec(spec(template({ resources: { cpuMillis: 0, memoryBytes: 0 } }))).body.HostConfig!.Memory).toBe(
      MIN_MEMORY_LIMIT,
    );
  });

  it("runs with least privilege: not privileged, no-new-privileges, no mounts, no host network", () => {
    const hc = containerSpec(spec()).body.HostConfig!;
    expect(hc).toMatchObject({ Privileged: false, SecurityOpt: ["no-new-privileges:true"], ReadonlyRootfs: false });
    for (const k of ["CapAdd", "Binds", "Mounts", "NetworkMode", "PidMode", "IpcMode", "Devices"]) {
      expect(hc).not.toHaveProperty(k);
    }
    expect(containerSpec(spec(template({ readOnlyRootFilesystem: true }))).body.HostConfig!.ReadonlyRootfs).toBe(true);
  });

  it("uses the template command when given, else the image's", () => {
    expect(containerSpec(spec()).body.Cmd).toBeUndefined();
    expect(containerSpec(spec(template({ command: ["node", "x.js"] }))).body.Cmd).toEqual(["node", "x.js"]);
    expect(containerSpec(spec()).body.Image).toBe("tug-examples/web:1");
  });

  it("names containers tug-<replica>-<suffix>, unique per call and valid for Docker", () => {
    expect(containerSpec(spec(), { nameSuffix: "x1" }).name).toBe("tug-web-1-abc-x1");
    expect(containerSpec(spec()).name).not.toBe(containerSpec(spec()).name);
    expect(containerName("ns/a b")).toMatch(/^tug-ns-a-b-[0-9a-f]{6}$/);
  });
});

describe("replicaOfContainer", () => {
  const inspected = (over: Partial<InspectedContainer> = {}): InspectedContainer => ({
    Id: "c1",
    Config: {
      Labels: { "tug.replica": "web-1", "tug.deployment": "default/web", "tug.revision": "2" },
      Env: ["PORT=9000"],
    },
    State: { Running: true, StartedAt: "2024-01-02T03:04:05.000Z" },
    HostConfig: {
      PortBindings: {
        "9000/tcp": [{ HostIp: "127.0.0.1", HostPort: "20010" }],
        "9090/tcp": [{ HostIp: "127.0.0.1", HostPort: "20011" }],
      },
    },
    ...over,
  });

  it("reads the replica back from labels, env and port bindings (round trip with containerSpec)", () => {
    expect(replicaOfContainer(inspected())).toEqual({
      replicaId: "web-1",
      deployment: "default/web",
      revision: 2,
      hostPort: 20_010,
      portBindings: { 9000: 20_010, 9090: 20_011 },
      startedAt: Date.parse("2024-01-02T03:04:05.000Z"),
    });
    const { body } = containerSpec(spec());
    const back = replicaOfContainer({
      Id: "c2",
      Config: { Labels: body.Labels, Env: body.Env },
      State: { Running: true },
      HostConfig: { PortBindings: body.HostConfig!.PortBindings },
    });
    expect(back).toMatchObject({ replicaId: "web-1-abc", deployment: "default/web", revision: 3, hostPort: 20_005 });
  });

  it("rejects containers without a replica label or a main port binding", () => {
    expect(replicaOfContainer(inspected({ Config: { Labels: {}, Env: [] } }))).toBeUndefined();
    expect(replicaOfContainer(inspected({ HostConfig: { PortBindings: {} } }))).toBeUndefined();
  });

  it("on the host's network: no bindings, the replica listens on its host ports at the node address (round trip)", () => {
    const { body } = containerSpec(spec(), { network: "host", hostIp: "10.0.0.2", extraHostPorts: [20_006] });
    expect(body.HostConfig).toMatchObject({ NetworkMode: "host", Init: true, Privileged: false });
    expect(body.HostConfig!.PortBindings).toBeUndefined();
    expect(body.ExposedPorts).toBeUndefined();
    expect(body.Env).toEqual(
      expect.arrayContaining([
        "PORT=20005",
        "PORT_8080=20005",
        "PORT_9090=20006",
        "HOST=10.0.0.2",
        "TUG_BIND_ADDRESS=10.0.0.2",
        "GREETING=ahoy",
      ]),
    );
    expect(portBindingsOf(body)).toEqual({ 8080: 20_005, 9090: 20_006 });
    const back = replicaOfContainer({
      Id: "c3",
      Config: { Labels: body.Labels, Env: body.Env },
      State: { Running: true },
      HostConfig: { NetworkMode: "host" },
    });
    expect(back).toMatchObject({
      replicaId: "web-1-abc",
      hostPort: 20_005,
      portBindings: { 8080: 20_005, 9090: 20_006 },
    });
  });

  it("on the host's network the template may not move the replica off its host port, but may set HOST", () => {
    const t = template({ env: { PORT: "80", HOST: "0.0.0.0", TUG_BIND_ADDRESS: "1.2.3.4" } });
    const { body } = containerSpec({ ...spec(t), env: { ...t.env } }, { network: "host" });
    expect(body.Env).toEqual(expect.arrayContaining(["PORT=20005", "HOST=0.0.0.0", "TUG_BIND_ADDRESS=127.0.0.1"]));
    expect(body.Env).not.toContain("PORT=80");
  });
});
