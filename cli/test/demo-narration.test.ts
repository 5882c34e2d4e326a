import { describe, expect, it } from "vitest";
import { atAfter, checkLine, clock, heading, Narrator, took, verdict } from "../src/demo/narrator.js";

/** Epoch ms of a local wall-clock time today. */
const at = (h: number, m: number, s: number, ms: number) => new Date(2024, 0, 2, h, m, s, ms).getTime();

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { isTTY, chunks, write: (c: string) => chunks.push(c), text: () => chunks.join("") };
}

describe("demo narration", () => {
  it("stamps local wall-clock times to the millisecond", () => {
    expect(clock(at(12, 0, 1, 200))).toBe("12:00:01.200");
    expect(clock(at(9, 5, 7, 3))).toBe("09:05:07.003");
  });

  it("says durations with two decimals below 10 s and one above, never negative", () => {
    expect(took(at(12, 0, 1, 200), at(12, 0, 1, 610))).toBe("0.41 s");
    expect(took(0, 14_234)).toBe("14.2 s");
    expect(took(500, 100)).toBe("0.00 s");
  });

  it("tells a moment and how long after the cause it came", () => {
    expect(atAfter(at(12, 0, 1, 610), at(12, 0, 1, 200))).toBe("at 12:00:01.610 (0.41 s)");
  });

  it("prints checks, headings and verdicts", () => {
    expect(checkLine({ ok: true, what: "3 of 3 ready" })).toBe("  ok    3 of 3 ready");
    expect(checkLine({ ok: false, what: "3 of 3 ready" })).toBe("  FAIL  3 of 3 ready");
    expect(heading("rollout", "a new version")).toBe("== rollout: a new version ==");
    const ok = { ok: true, what: "a" };
    const bad = { ok: false, what: "b" };
    expect(verdict("scaling", [ok, ok], 16_040)).toBe("== scaling: passed (2 checks, 16.0 s) ==");
    expect(verdict("scaling", [ok, bad], 1_000)).toBe("== scaling: FAILED (1 of 2 checks, 1.0 s) ==");
  });

  it("writes plain sentences to a pipe and shows waits only on a terminal", () => {
    const pipe = sink(false);
    const n = new Narrator(pipe);
    n.waiting("6 ready replicas");
    n.say("applied");
    expect(n.check(false, "6 of 6 ready")).toBe(false);
    expect(pipe.text()).toBe("  applied\n  FAIL  6 of 6 ready\n");
    expect(n.checksSince(0)).toEqual([{ ok: false, what: "6 of 6 ready" }]);

    const tty = sink(true);
    const t = new Narrator(tty);
    t.waiting("6 ready replicas");
    t.say("applied");
    expect(tty.text()).toBe("\r\x1b[2K  … 6 ready replicas\r\x1b[2K  applied\n");
  });
});
