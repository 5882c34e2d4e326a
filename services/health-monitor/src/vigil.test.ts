import { describe, expect, it } from "vitest";
import { Vigil } from "./vigil.js";

describe("health-monitor vigil", () => {
  it("judges only after a full grace of healthy, gap-free watching", () => {
    const v = new Vigil(0);
    expect(v.watching(true, 1_000, 2_000, 1_000)).toBe(false);
    expect(v.watching(true, 2_000, 2_000, 1_000)).toBe(true);
    expect(v.watching(false, 2_200, 2_000, 1_000)).toBe(false); // Redis or NATS down
    expect(v.watching(true, 3_000, 2_000, 1_000)).toBe(false);
    expect(v.watching(true, 4_300, 2_000, 1_000)).toBe(false); // gap: we were paused
    expect(v.watching(true, 5_000, 2_000, 1_000)).toBe(false);
    expect(v.watching(true, 6_300, 2_000, 1_500)).toBe(true);
  });
});
