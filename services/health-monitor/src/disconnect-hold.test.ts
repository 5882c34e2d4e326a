import type { ReplicaRecord, Template } from "@tug/contracts";
import { describe, expect, it } from "vitest";
import { DISCONNECT_MARGIN_MS, disconnectHoldMs, heldReplicas } from "./disconnect-hold.js";

const t = (over: Partial<Template> = {}): Template => ({
  env: {},
  ports: [],
  resources: { cpuMillis: 0, memoryBytes: 0 },
  nodeSelector: {},
  restartPolicy: "Always",
  terminationGracePeriodSeconds: 2,
  ...over,
});
const r = (id: string, deployment: string, phase: ReplicaRecord["phase"] = "Running") =>
  ({ id, deployment, revision: 1, phase }) as ReplicaRecord;

describe("disconnect hold (control plane)", () => {
  it("is stopAfterSeconds + termination grace + margin, or nothing", () => {
    expect(disconnectHoldMs(t())).toBe(0);
    expect(disconnectHoldMs(t({ disconnect: { stopAfterSeconds: 2 } }))).toBe(4_000 + DISCONNECT_MARGIN_MS);
  });

  it("holds only the replicas whose hold has not passed since NotReady", async () => {
    const templates: Record<string, Template> = {
      "d/single": t({ disconnect: { stopAfterSeconds: 2 } }),
      "d/web": t(),
    };
    const reps = [r("a", "d/single"), r("b", "d/web"), r("c", "d/single", "Lost")];
    const get = async (d: string) => templates[d];
    expect(await heldReplicas({ notReadySince: 10_000 }, reps, 11_000, get)).toEqual(["a"]);
    expect(await heldReplicas({ notReadySince: 10_000 }, reps, 10_000 + 4_000 + DISCONNECT_MARGIN_MS, get)).toEqual([]);
  });
});
