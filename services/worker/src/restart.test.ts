import { describe, expect, it } from "vitest";
import { decideOnExit, RestartBackoff, restartDelayMs } from "./restart.js";

describe("restart policy", () => {
  it("decides per policy and exit code", () => {
    expect(decideOnExit("Always", 0)).toBe("restart");
    expect(decideOnExit("Always", 1)).toBe("restart");
    expect(decideOnExit("OnFailure", 0)).toBe("succeeded");
    expect(decideOnExit("OnFailure", 2)).toBe("restart");
    expect(decideOnExit("OnFailure", null)).toBe("restart");
    expect(decideOnExit("Never", 0)).toBe("succeeded");
    expect(decideOnExit("Never", 137)).toBe("failed");
    expect(decideOnExit("Never", null)).toBe("failed");
  });

  it("restarts at once, then 250 ms doubling, capped at 10 s", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(restartDelayMs)).toEqual([
      0, 250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000,
    ]);
  });

  it("resets after 60 s of clean running", () => {
    const b = new RestartBackoff();
    expect([b.next(10), b.next(10), b.next(10)]).toEqual([0, 250, 500]);
    expect(b.next(60_000)).toBe(0);
    expect(b.next(5)).toBe(250);
    expect(b.count).toBe(2);
  });
});
