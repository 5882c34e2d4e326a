import { describe, expect, it } from "vitest";
import type { ReplicaRecord } from "@tug/contracts";
import type { NodeView } from "../src/api-types.js";
import { restartsTable } from "../src/commands/describe.js";
import { nodesTable, nodeStatus } from "../src/commands/get.js";
import { stillOnNode } from "../src/commands/node.js";
import { heartbeatAge } from "../src/format.js";
import { run } from "../src/program.js";

const rep = (over: Partial<ReplicaRecord>): ReplicaRecord => ({
  id: "web-1-aaaaa",
  deployment: "default/web",
  revision: 1,
  node: "node-1",
  desired: "run",
  phase: "Running",
  ready: true,
  restarts: 0,
  resources: { cpuMillis: 0, memoryBytes: 0 },
  nodeSelector: {},
  gen: 1,
  createdAt: 0,
  updatedAt: 0,
  ...over,
});

describe("node and restart views", () => {
  it("shows node status flags, heartbeat age and allocation against capacity", () => {
    expect(nodeStatus({ status: "Ready", cordoned: true, draining: true })).toBe("Ready,SchedulingDisabled,Draining");
    expect(nodeStatus({ status: "NotReady", cordoned: false, draining: false })).toBe("NotReady");
    expect(heartbeatAge(9_600, 10_000)).toBe("0.4s");
    expect(heartbeatAge(0)).toBe("<never>");
    const n = {
      id: "node-1",
      status: "NotReady",
      cordoned: false,
      draining: false,
      address: "127.0.0.1",
      driver: "process",
      lastHeartbeat: 7_000,
      registeredAt: 1,
      capacity: { cpuMillis: 2000, memoryBytes: 2 ** 30 },
      allocated: { cpuMillis: 250, memoryBytes: 2 ** 26 },
      replicas: 3,
    } as NodeView;
    const text = nodesTable([n], 10_000);
    expect(text.split("\n")[0]).toMatch(/^NAME\s+STATUS\s+HEARTBEAT\s+ADDRESS\s+CPU\s+MEMORY/);
    expect(text).toMatch(/node-1\s+NotReady\s+3\.0s ago\s+127\.0\.0\.1\s+250m\/2000m\s+64Mi\/1Gi\s+3/);
  });

  it("lists restarts with the last exit and the back-off", () => {
    const text = restartsTable(
      [
        rep({
          restarts: 4,
          phase: "CrashLoopBackOff",
          message: "back-off 2000 ms restarting",
          lastExit: { code: 1, reason: "Error", at: 5_000 },
        }),
      ],
      65_000,
    );
    expect(text).toMatch(/web-1-aaaaa\s+4\s+1\s+Error\s+60s ago\s+CrashLoopBackOff: back-off 2000 ms restarting/);
  });

  it("counts only replicas that should still run on the drained node", () => {
    const left = stillOnNode([rep({}), rep({ id: "b", desired: "stop" }), rep({ id: "c", node: "node-2" })], "node-1");
    expect(left.map((r) => r.id)).toEqual(["web-1-aaaaa"]);
  });

  it("rejects bad node ids and chaos arguments with usage errors, and a missing cluster with NOT_FOUND", async () => {
    const errs: string[] = [];
    const err = (s: string) => errs.push(s);
    expect(await run(["node", "tug", "node", "drain", "bad/node"], err)).toBe(2);
    expect(await run(["node", "tug", "chaos", "pause-node", "node-1", "0"], err)).toBe(2);
    expect(await run(["node", "tug", "chaos", "--data-dir", "/nonexistent-tug-dir", "kill-node", "node-1"], err)).toBe(
      1,
    );
    expect(errs.at(-1)).toMatch(/error \[NOT_FOUND\] no local cluster at \/nonexistent-tug-dir/);
  });
});
