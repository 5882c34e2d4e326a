import { describe, expect, it } from "vitest";
import { type Progress, progress } from "../src/progress.js";

/** A sink that records what was written. */
function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { isTTY, chunks, write: (c: string) => chunks.push(c), text: () => chunks.join("") };
}

describe("progress on a terminal", () => {
  it("rewrites one live line in place and ends it with a newline", () => {
    const s = sink(true);
    const p = progress(s);
    p.update("1/3 ready");
    p.update("1/3 ready");
    p.update("2/3 ready");
    p.done();
    expect(s.chunks).toEqual(["\r\x1b[2K1/3 ready", "\r\x1b[2K2/3 ready", "\n"]);
  });

  it("prints a log line above the live line and redraws it", () => {
    const s = sink(true);
    const p = progress(s);
    p.update("waiting");
    p.log("replica a moved");
    expect(s.text()).toBe("\r\x1b[2Kwaiting\r\x1b[2Kreplica a moved\nwaiting");
  });

  it("erases the live line on clear, leaving nothing behind", () => {
    const s = sink(true);
    const p = progress(s);
    p.clear();
    p.update("waiting");
    p.clear();
    expect(s.chunks).toEqual(["\r\x1b[2Kwaiting", "\r\x1b[2K"]);
  });

  it("replaces the live line with the final one", () => {
    const s = sink(true);
    const p = progress(s);
    p.update("2/3 ready");
    p.done("all 3 ready");
    expect(s.text().endsWith("\r\x1b[2Kall 3 ready\n")).toBe(true);
  });
});

describe("progress in a pipe", () => {
  it("writes a plain line per change, with no control characters", () => {
    const s = sink(false);
    const p = progress(s);
    p.update("1/3 ready");
    p.update("1/3 ready");
    p.update("2/3 ready");
    p.done("done");
    expect(s.text()).toBe("1/3 ready\n2/3 ready\ndone\n");
    expect(s.text().includes("\r") || s.text().includes("\x1b")).toBe(false);
  });

  it("throttles changes to one line per interval and flushes the held-back state at the end", () => {
    let t = 0;
    const s = sink(false);
    const p = progress(s, { minIntervalMs: 1_000, now: () => t });
    p.update("0 s");
    t = 400;
    p.update("0.4 s");
    t = 1_100;
    p.update("1.1 s");
    t = 1_500;
    p.update("1.5 s");
    p.done();
    expect(s.text()).toBe("0 s\n1.1 s\n1.5 s\n");
  });

  it.each([
    ["forgets a held-back state on clear", (p: Progress) => p.clear()],
    ["does not repeat a line the throttle already wrote", (p: Progress) => p.update("a")],
  ])("%s", (_what, then) => {
    let t = 0;
    const s = sink(false);
    const p = progress(s, { minIntervalMs: 1_000, now: () => t });
    p.update("a");
    t = 10;
    p.update("b");
    then(p);
    p.done();
    expect(s.text()).toBe("a\n");
  });
});
