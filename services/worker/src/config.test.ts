import { describe, expect, it } from "vitest";
import { parseLabels, workerConfig } from "./config.js";

describe("worker config", () => {
  it("applies the documented defaults", () => {
    const c = workerConfig({ instance: "i1" }, { TUG_NODE: "n-1" }, "/repo");
    expect(c).toMatchObject({
      node: "n-1",
      instance: "i1",
      address: "127.0.0.1",
      driver: "process",
      portsFrom: 20_000,
      dataDir: "./.tug/data",
      workdir: "/repo",
      heartbeatMs: 500,
      syncMs: 2_000,
      orphanGraceMs: 3_000,
      drainDelayMs: 1_000,
      stopOnExit: false,
      labels: {},
      dockerSocket: "/var/run/docker.sock",
      dockerLabels: {},
      dockerNetwork: "bridge",
      dockerStartConcurrency: 4,
    });
    expect(c.capacity.cpuMillis).toBeGreaterThan(0);
    expect(c.capacity.memoryBytes).toBeGreaterThan(0);
  });

  it("reads every setting", () => {
    const c = workerConfig(
      { instance: "i1" },
      {
        TUG_NODE: "n2",
        TUG_NODE_ADDRESS: "10.0.0.2",
        TUG_NODE_CPU: "1500",
        TUG_NODE_MEMORY: "1024",
        TUG_NODE_LABELS: "zone=a, disk=ssd",
        TUG_DRIVER: "fake",
        TUG_PORTS_FROM: "21000",
        TUG_DATA_DIR: "/d",
        TUG_WORKDIR: "/w",
        TUG_HEARTBEAT_MS: "100",
        TUG_SYNC_MS: "300",
        TUG_ORPHAN_GRACE_MS: "0",
        TUG_DRAIN_DELAY_MS: "250",
        TUG_WORKER_STOP_ON_EXIT: "1",
        TUG_DOCKER_SOCKET: "/run/d.sock",
        TUG_DOCKER_LABELS: "tug.test-run=r1",
        TUG_DOCKER_NETWORK: "host",
        TUG_DOCKER_START_CONCURRENCY: "8",
      },
      "/repo",
    );
    expect(c).toMatchObject({
      address: "10.0.0.2",
      capacity: { cpuMillis: 1500, memoryBytes: 1024 },
      labels: { zone: "a", disk: "ssd" },
      driver: "fake",
      portsFrom: 21_000,
      dataDir: "/d",
      workdir: "/w",
      heartbeatMs: 100,
      syncMs: 300,
      orphanGraceMs: 0,
      drainDelayMs: 250,
      stopOnExit: true,
      dockerSocket: "/run/d.sock",
      dockerLabels: { "tug.test-run": "r1" },
      dockerNetwork: "host",
      dockerStartConcurrency: 8,
    });
  });

  it("rejects bad settings naming the variable", () => {
    expect(() => workerConfig({ instance: "i" }, {}, "/")).toThrow(/TUG_NODE/);
    expect(() => workerConfig({ instance: "i" }, { TUG_NODE: "a.b" }, "/")).toThrow(/TUG_NODE/);
    expect(() => workerConfig({ instance: "i" }, { TUG_NODE: "a", TUG_DRIVER: "podman" }, "/")).toThrow(/TUG_DRIVER/);
    expect(() => workerConfig({ instance: "i" }, { TUG_NODE: "a", TUG_DOCKER_LABELS: "x" }, "/")).toThrow(
      /TUG_DOCKER_LABELS/,
    );
    expect(() => workerConfig({ instance: "i" }, { TUG_NODE: "a", TUG_PORTS_FROM: "80" }, "/")).toThrow(
      /TUG_PORTS_FROM/,
    );
    expect(() => workerConfig({ instance: "i" }, { TUG_NODE: "a", TUG_SYNC_MS: "x" }, "/")).toThrow(/TUG_SYNC_MS/);
    expect(() => workerConfig({ instance: "i" }, { TUG_NODE: "a", TUG_DRAIN_DELAY_MS: "-1" }, "/")).toThrow(
      /TUG_DRAIN_DELAY_MS/,
    );
    expect(() => workerConfig({ instance: "i" }, { TUG_NODE: "a", TUG_DOCKER_NETWORK: "none" }, "/")).toThrow(
      /TUG_DOCKER_NETWORK/,
    );
    expect(() => workerConfig({ instance: "i" }, { TUG_NODE: "a", TUG_DOCKER_START_CONCURRENCY: "0" }, "/")).toThrow(
      /TUG_DOCKER_START_CONCURRENCY/,
    );
    expect(() => parseLabels("novalue")).toThrow(/TUG_NODE_LABELS/);
  });
});
