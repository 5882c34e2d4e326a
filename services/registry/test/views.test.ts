import { describe, expect, it } from "vitest";
import type { NodeRecord, ReplicaRecord } from "@tug/contracts";
import { TugError } from "@tug/contracts";
import { endpointsOf } from "@tug/contracts";
import { nodeRecord, replicaRecord } from "@tug/testkit";
import { errorReply } from "../src/errors.js";
import { nodeViews, replicaSummary } from "../src/views.js";

const node = (id: string, status: NodeRecord["status"] = "Ready"): NodeRecord => nodeRecord(id, { status });
const rep = (id: string, over: Partial<ReplicaRecord> = {}): ReplicaRecord =>
  replicaRecord(id, { host: "127.0.0.1", hostPort: 20000, resources: { cpuMillis: 100, memoryBytes: 10 }, ...over });

describe("registry views", () => {
  it("keeps only ready, running-desired replicas with a port on Ready nodes", () => {
    const eps = endpointsOf(
      [
        rep("a"),
        rep("b", { ready: false }),
        rep("c", { desired: "stop" }),
        rep("d", { hostPort: undefined }),
        rep("e", { node: "n2" }),
        rep("f", { node: null }),
      ],
      [node("n1"), node("n2", "NotReady")],
    );
    expect(eps).toEqual([{ host: "127.0.0.1", port: 20000, replica: "a", node: "n1", ready: true }]);
  });

  it("sums allocations per node and counts replicas by revision", () => {
    const reps = [rep("a"), rep("b", { revision: 2, ready: false }), rep("c", { node: "n2" })];
    const v = nodeViews([node("n1"), node("n2")], reps);
    expect(v[0]).toMatchObject({ id: "n1", allocated: { cpuMillis: 200, memoryBytes: 20 }, replicas: 2 });
    expect(replicaSummary(reps)).toEqual({
      total: 3,
      ready: 2,
      byRevision: { "1": { total: 2, ready: 2 }, "2": { total: 1, ready: 0 } },
    });
  });

  it("maps errors to structured bodies and statuses", () => {
    expect(errorReply(new TugError("NOT_FOUND", "x"))).toEqual({
      status: 404,
      body: { ok: false, code: "NOT_FOUND", message: "x", retryable: false },
    });
    expect(
      errorReply(Object.assign(new Error("bad json"), { statusCode: 400, code: "FST_ERR_CTP_INVALID_JSON_BODY" })).body
        .code,
    ).toBe("BAD_ENCODING");
    expect(errorReply(new Error("connect ECONNREFUSED 127.0.0.1:1")).status).toBe(503);
    expect(errorReply(new Error("boom")).status).toBe(500);
  });
});
