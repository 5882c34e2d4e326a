import { describe, expect, it } from "vitest";
import { demuxLogs } from "./docker-logs.js";
import { LOG_TAIL_CHARS, logTail } from "./log-tail.js";

const frame = (type: number, text: string) => {
  const body = Buffer.from(text);
  const h = Buffer.alloc(8);
  h[0] = type;
  h.writeUInt32BE(body.length, 4);
  return Buffer.concat([h, body]);
};

describe("docker logs", () => {
  it("joins stdout and stderr frames in order", () => {
    expect(demuxLogs(Buffer.concat([frame(1, "listening\n"), frame(2, "Error: boom\n"), frame(1, "bye\n")]))).toBe(
      "listening\nError: boom\nbye\n",
    );
  });
  it("passes a raw (TTY) stream through and survives a cut-off frame", () => {
    expect(demuxLogs(Buffer.from("plain text output\n"))).toBe("plain text output\n");
    const cut = frame(2, "Error: out of memory\n").subarray(0, 14);
    expect(demuxLogs(cut)).toBe("Error:");
    expect(demuxLogs(Buffer.alloc(0))).toBe("");
  });
  it("keeps the end of long output and drops empty output", () => {
    const t = logTail("x".repeat(5_000) + "the end");
    expect(t!.endsWith("the end")).toBe(true);
    expect(t!.length).toBe(LOG_TAIL_CHARS + 1);
    expect(logTail(" \n ")).toBeUndefined();
  });
});
