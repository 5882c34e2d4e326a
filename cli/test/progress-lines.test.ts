import { describe, expect, it } from "vitest";
import { chaosProgressLine } from "../src/commands/chaos-run.js";
import { startupLine } from "../src/commands/up.js";

describe("progress lines of long commands", () => {
  it("tug up names what start-up waits for and how many listen", () => {
    expect(startupLine({ stage: "infrastructure", listening: 1, total: 2 })).toBe(
      "starting: NATS and Redis 1/2 listening",
    );
    expect(startupLine({ stage: "components", listening: 7, total: 10 })).toBe(
      "starting: control plane and workers 7/10 listening",
    );
  });

  it("tug chaos run shows whole seconds, faults and violations", () => {
    expect(chaosProgressLine({ elapsedMs: 12_900, durationMs: 60_000, faults: 17, violations: 0 })).toBe(
      "chaos: 12/60 s, 17 faults, 0 violations",
    );
  });
});
