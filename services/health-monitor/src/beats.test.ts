import { describe, expect, it } from "vitest";
import type { Heartbeat } from "@tug/contracts";
import { silentLogger } from "@tug/log";
import { HeartbeatBatcher } from "./beats.js";

const hb = (node: string, instance = "i"): Heartbeat => ({
  node,
  instance,
  seq: 1,
  address: "127.0.0.1",
  capacity: { cpuMillis: 1, memoryBytes: 1 },
  labels: {},
  driver: "fake",
});

describe("health-monitor heartbeat batches", () => {
  it("writes what arrives within the window in one call, a node's latest beat once, and reports changes", async () => {
    const calls: Heartbeat[][] = [];
    const changed: string[] = [];
    const b = new HeartbeatBatcher(
      {
        heartbeatNodes: async (hbs) => {
          calls.push([...hbs]);
          return [{ id: hbs[0]!.node, restarted: true, becameReady: false }];
        },
      },
      (c) => changed.push(c.id),
      silentLogger(),
      20,
      3,
    );
    b.add(hb("a", "1"));
    b.add(hb("b"));
    b.add(hb("a", "2"));
    await new Promise((r) => setTimeout(r, 60));
    expect(calls.map((c) => c.map((x) => `${x.node}/${x.instance}`))).toEqual([["a/2", "b/i"]]);
    for (const n of ["c", "d", "e"]) b.add(hb(n));
    await b.flush();
    expect(calls[1]!.map((x) => x.node)).toEqual(["c", "d", "e"]);
    expect(changed).toEqual(["a", "c"]);
    b.close();
  });
});
