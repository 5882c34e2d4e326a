import type { Assignment } from "@tug/contracts";
import { FakeDriver, type ReplicaSpec } from "@tug/drivers";
import { describe, expect, it } from "vitest";
import { assignment, managerOn, plainTemplate } from "./manager.fixture.js";
import { PortAllocator } from "./ports.js";
import { resolveProbePort } from "./probes.js";

const ports = [
  { name: "http", containerPort: 8080, protocol: "tcp" as const },
  { name: "admin", containerPort: 9090, protocol: "tcp" as const },
  { name: "grpc", containerPort: 7000, protocol: "tcp" as const },
];
const { command: _command, ...imageless } = plainTemplate;
const withPorts = (id: string): Assignment => assignment(id, { ...imageless, image: "x", ports });

function setup(driverName: string) {
  const driver = new FakeDriver();
  Object.defineProperty(driver, "name", { value: driverName });
  const specs: ReplicaSpec[] = [];
  const start = driver.start.bind(driver);
  driver.start = (s) => {
    specs.push(s);
    return start(s);
  };
  const allocator = new PortAllocator(40_000, 10, async () => true);
  const m = managerOn(driver, 40_000, { ports: allocator, orphanGraceMs: 0, drainDelayMs: 0 });
  return { m, specs, allocator };
}

describe("extra host ports (every container port of a docker replica gets one)", () => {
  it("gives a docker replica one host port per further container port, distinct from every other replica's", async () => {
    const { m, specs } = setup("docker");
    await m.apply({ assignments: [withPorts("r1"), withPorts("r2")], malformed: [] });
    await new Promise((r) => setTimeout(r, 10));
    const all = specs.flatMap((s) => [s.hostPort, ...(s.extraHostPorts ?? [])]);
    expect(specs.map((s) => s.extraHostPorts?.length)).toEqual([2, 2]);
    expect(new Set(all).size).toBe(6);
    expect(specs[0]!.env.PORT).toBe(String(specs[0]!.hostPort));
  });

  it("gives a process-driver replica only its main port", async () => {
    const { m, specs } = setup("process");
    await m.apply({ assignments: [withPorts("r1")], malformed: [] });
    await new Promise((r) => setTimeout(r, 10));
    expect(specs[0]!.extraHostPorts ?? []).toEqual([]);
  });

  it("probes a further port on its own host port, the first port and unknown numbers on the main one", () => {
    const target = { hostPort: 20_000, ports, extraHostPorts: [20_001, 20_002] };
    expect(resolveProbePort("http", target)).toBe(20_000);
    expect(resolveProbePort("admin", target)).toBe(20_001);
    expect(resolveProbePort(7000, target)).toBe(20_002);
    expect(resolveProbePort(1234, target)).toBe(20_000);
    expect(resolveProbePort("nope", target)).toBeUndefined();
    expect(resolveProbePort("admin", { hostPort: 20_000, ports })).toBe(20_000);
  });
});
