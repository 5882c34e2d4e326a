import { describe, expect, it, vi } from "vitest";
import { inCI, shouldSkip } from "./skip.js";

describe("shouldSkip", () => {
  it("does not skip when nothing is missing", () => {
    expect(shouldSkip("x", undefined, { CI: "true" })).toBe(false);
  });

  it("skips loudly outside CI", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(shouldSkip("the docker tests", "no engine", {})).toBe(true);
    expect(warn.mock.calls[0]![0]).toContain("SKIPPING the docker tests: no engine");
    warn.mockRestore();
  });

  it("fails instead of skipping under CI", () => {
    expect(() => shouldSkip("the docker tests", "no engine", { CI: "true" })).toThrow(/CI=true.*no engine/);
    expect(inCI({ CI: "1" })).toBe(true);
    expect(inCI({ CI: "false" })).toBe(false);
  });
});
