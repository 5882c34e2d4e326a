import { describe, expect, it } from "vitest";
import { Presence, SILENCE_MS } from "./presence.js";

describe("Presence", () => {
  it("is up while heartbeats keep coming, and knows since when", () => {
    const p = new Presence();
    expect(p.up(0)).toBe(false);
    expect(p.upSince(100)).toBe(100);
    for (let t = 1_000; t <= 5_000; t += 1_000) p.beat(t);
    expect(p.up(5_500)).toBe(true);
    expect(p.upSince(5_500)).toBe(1_000);
  });

  it("a gap longer than the silence limit starts a new run", () => {
    const p = new Presence();
    p.beat(1_000);
    expect(p.up(1_000 + SILENCE_MS + 1)).toBe(false);
    expect(p.upSince(1_000 + SILENCE_MS + 1)).toBe(1_000 + SILENCE_MS + 1);
    p.beat(9_000);
    p.beat(10_000);
    expect(p.upSince(10_500)).toBe(9_000);
  });

  it("a lapse ends the run at once, however recent the last beat", () => {
    const p = new Presence();
    p.beat(1_000);
    p.beat(1_250);
    p.lapse();
    expect(p.up(1_300)).toBe(false);
    expect(p.upSince(1_300)).toBe(1_300);
    p.beat(1_500);
    expect(p.upSince(1_600)).toBe(1_500);
  });
});
