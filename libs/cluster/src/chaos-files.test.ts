import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  type ClusterFile,
  clusterFilePath,
  readClusterFile,
  removeClusterFile,
  writeClusterFile,
} from "./cluster-file.js";
import { killComponent, liveCluster } from "./chaos.js";
import { clearHolds, heldUntil, holdRestart, MAX_HOLD_MS, releaseHold } from "./holds.js";

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "tug-chaos-files-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const file = (dataDir: string, over: Partial<ClusterFile> = {}): ClusterFile => ({
  version: 1,
  pid: process.pid,
  prefix: "t",
  driver: "process",
  dataDir,
  natsUrl: "nats://127.0.0.1:1",
  redisUrl: "redis://127.0.0.1:2",
  apiUrl: "http://127.0.0.1:3",
  nodes: ["node-1"],
  components: [{ name: "worker-node-1", role: "worker", pid: null, node: "node-1" }],
  updatedAt: 1,
  ...over,
});

describe("cluster file", () => {
  it("round-trips, and is gone after remove", () => {
    const d = tmp();
    writeClusterFile(d, file(d));
    expect(readClusterFile(d)).toEqual(file(d));
    removeClusterFile(d);
    expect(() => readClusterFile(d)).toThrow(expect.objectContaining({ code: "NOT_FOUND", field: "data-dir" }));
  });

  it("rejects malformed files with the field named", () => {
    const d = tmp();
    writeFileSync(clusterFilePath(d), "{not json");
    expect(() => readClusterFile(d)).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
    writeFileSync(clusterFilePath(d), JSON.stringify({ ...file(d), pid: 1 }));
    expect(() => readClusterFile(d)).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED", field: "pid" }));
    writeFileSync(clusterFilePath(d), JSON.stringify({ ...file(d), components: [{ name: "x", role: "y", pid: -5 }] }));
    expect(() => readClusterFile(d)).toThrow(expect.objectContaining({ field: "components[0].pid" }));
  });

  it("refuses a cluster whose supervisor is gone, and components that are not running or not theirs", () => {
    const d = tmp();
    writeClusterFile(d, file(d, { pid: 2 ** 22 + 12345 }));
    expect(() => liveCluster(d)).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
    // our own pid is alive but carries no TUG_COMPONENT marker: never signalled
    const f = file(d, { components: [{ name: "controller-1", role: "controller", pid: process.pid }] });
    expect(() => killComponent(f, "controller")).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
    expect(() => killComponent(f, "nope")).toThrow(/roles: controller/);
  });
});

describe("restart holds", () => {
  it("holds until the time written, is released early, and is capped", () => {
    const d = tmp();
    expect(heldUntil(d, "worker-node-1", 1_000)).toBe(0);
    holdRestart(d, "worker-node-1", 5_000, 1_000);
    expect(heldUntil(d, "worker-node-1", 2_000)).toBe(6_000);
    expect(heldUntil(d, "worker-node-1", 7_000)).toBe(0);
    releaseHold(d, "worker-node-1");
    expect(heldUntil(d, "worker-node-1", 2_000)).toBe(0);
    writeFileSync(join(d, "holds", "worker-node-1"), String(10 * MAX_HOLD_MS));
    expect(heldUntil(d, "worker-node-1", 0)).toBe(MAX_HOLD_MS);
    clearHolds(d);
    expect(heldUntil(d, "worker-node-1", 0)).toBe(0);
    expect(() => holdRestart(d, "../x", 1)).toThrow(/invalid component name/);
    expect(() => holdRestart(d, "w", MAX_HOLD_MS + 1)).toThrow(/hold must be/);
  });
});
