import { PassThrough } from "node:stream";
import { silentLogger } from "@tug/log";
import { describe, expect, it } from "vitest";
import { DockerEvents, JsonLines, parseDieEvent } from "./docker-events.js";

/** One line of the engine's event stream: container `id` died with `exitCode` at `time` (seconds). */
const dieLine = (id: string, time: number, exitCode: number) =>
  JSON.stringify({
    Type: "container",
    Action: "die",
    time,
    Actor: { ID: id, Attributes: { exitCode: String(exitCode) } },
  }) + "\n";

describe("docker event parsing", () => {
  it("reassembles newline-delimited JSON split across chunks and skips junk", () => {
    const l = new JsonLines();
    expect(l.push('{"a":1}\n{"b"')).toEqual([{ a: 1 }]);
    expect(l.push(':2}\nnot json\n\n{"c":3}\n')).toEqual([{ b: 2 }, { c: 3 }]);
  });

  it("reads the container id and exit code from a die event", () => {
    const raw = {
      Type: "container",
      Action: "die",
      Actor: { ID: "abc", Attributes: { exitCode: "137", "tug.replica": "r1" } },
      time: 1,
    };
    expect(parseDieEvent(raw)).toEqual({ id: "abc", exitCode: 137 });
    expect(parseDieEvent({ status: "die", id: "def" })).toEqual({ id: "def", exitCode: null });
  });

  it("ignores other events", () => {
    expect(parseDieEvent({ Type: "container", Action: "start", Actor: { ID: "abc" } })).toBeUndefined();
    expect(parseDieEvent({ Type: "network", Action: "die", Actor: { ID: "n" } })).toBeUndefined();
    expect(parseDieEvent(null)).toBeUndefined();
  });
});

describe("DockerEvents (fake engine)", () => {
  it("reconnects when the stream ends, from the last event time, and says so", async () => {
    const calls: Array<{ since: number; filters: unknown }> = [];
    const streams: PassThrough[] = [];
    let fail = 1;
    const docker = {
      async getEvents(opts: { since: number; filters: unknown }) {
        calls.push(opts);
        if (calls.length === 2 && fail-- > 0)
          throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
        const s = new PassThrough();
        streams.push(s);
        return s;
      },
    };
    const dies: unknown[] = [];
    const connects: boolean[] = [];
    const ev = new DockerEvents({
      docker: docker as never,
      log: silentLogger(),
      retryMs: 5,
      onDie: (e) => dies.push(e),
      onConnect: (r) => connects.push(r),
    });
    await ev.start();
    expect(ev.isConnected).toBe(true);
    expect(JSON.parse(calls[0]!.filters as string)).toEqual({
      label: ["tug.managed=1"],
      type: ["container"],
      event: ["die"],
    });
    streams[0]!.write(dieLine("c1", 1234, 1));
    streams[0]!.end();
    await new Promise((r) => setTimeout(r, 100));
    expect(calls.length).toBe(3); // one failed attempt, then connected again
    expect(calls[2]!.since).toBe(1234);
    expect(connects).toEqual([false, true]);
    streams[1]!.write(dieLine("c2", 1235, 0));
    await new Promise((r) => setTimeout(r, 10));
    expect(dies).toEqual([
      { id: "c1", exitCode: 1 },
      { id: "c2", exitCode: 0 },
    ]);
    ev.close();
    streams[1]!.end();
    await new Promise((r) => setTimeout(r, 30));
    expect(calls.length).toBe(3);
  });
});
