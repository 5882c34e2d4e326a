import { describe, expect, it } from "vitest";
import { JsonLines, parseDieEvent } from "./docker-events.js";

describe("docker event parsing", () => {
  it("reassembles newline-delimited JSON split across chunks and skips junk", () => {
    const l = new JsonLines();
    expect(l.push('{"a":1}\n{"b"')).toEqual([{ a: 1 }]);
    expect(l.push(':2}\nnot json\n\n{"c":3}\n')).toEqual([{ b: 2 }, { c: 3 }]);
  });

  it("reads the container id and exit code from a die event", () => {
    const raw = { Type: "container", Action: "die", Actor: { ID: "abc", Attributes: { exitCode: "137", "tug.replica": "r1" } }, time: 1 };
    expect(parseDieEvent(raw)).toEqual({ id: "abc", exitCode: 137 });
    expect(parseDieEvent({ status: "die", id: "def" })).toEqual({ id: "def", exitCode: null });
  });

  it("ignores other events", () => {
    expect(parseDieEvent({ Type: "container", Action: "start", Actor: { ID: "abc" } })).toBeUndefined();
    expect(parseDieEvent({ Type: "network", Action: "die", Actor: { ID: "n" } })).toBeUndefined();
    expect(parseDieEvent(null)).toBeUndefined();
  });
});
