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
          return hbs.length ? [{ id: hbs[0]!.node, restarted: true, becameReady: false }] : [];
        },
        touchNodes: async () => ({ changed: [], unknown: [] }),
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

  it("sends a beat that registers nothing new as the id alone, in full again when it changes or is unknown", async () => {
    const full: string[][] = [];
    const touched: string[][] = [];
    let unknown: string[] = [];
    const changed: string[] = [];
    const b = new HeartbeatBatcher(
      {
        heartbeatNodes: async (hbs) => {
          full.push(hbs.map((h) => `${h.node}/${h.instance}`));
          return [];
        },
        touchNodes: async (ids) => {
          touched.push([...ids]);
          const r = { changed: ids.includes("b") ? [{ id: "b", restarted: false, becameReady: true }] : [], unknown };
          unknown = [];
          return r;
        },
      },
      (c) => changed.push(c.id),
      silentLogger(),
    );
    const beat = async (...hbs: Heartbeat[]) => {
      for (const h of hbs) b.add(h);
      await b.flush();
    };
    await beat(hb("a"), hb("b"));
    await beat(hb("a"), hb("b"));
    expect(full.flat()).toEqual(["a/i", "b/i"]);
    expect(touched.at(-1)).toEqual(["a", "b"]);
    expect(changed).toEqual(["b"]); // a touched node that became Ready is reported
    // a new instance is a full beat; a node the store does not know is sent in full at its next beat
    unknown = ["b"];
    await beat(hb("a", "2"), hb("b"));
    expect(full.at(-1)).toEqual(["a/2"]);
    await beat(hb("a", "2"), hb("b"));
    expect(full.at(-1)).toEqual(["b/i"]);
    expect(touched.at(-1)).toEqual(["a"]);
    b.close();
  });

  it("writes every registration in full again after the refresh period", async () => {
    const full: string[] = [];
    const b = new HeartbeatBatcher(
      {
        heartbeatNodes: async (hbs) => {
          full.push(...hbs.map((h) => h.node));
          return [];
        },
        touchNodes: async () => ({ changed: [], unknown: [] }),
      },
      () => {},
      silentLogger(),
      20,
      500,
      30,
    );
    b.add(hb("a"));
    await b.flush();
    b.add(hb("a"));
    await b.flush();
    expect(full).toEqual(["a"]);
    await new Promise((r) => setTimeout(r, 50));
    b.add(hb("a"));
    await b.flush();
    expect(full).toEqual(["a", "a"]);
    b.close();
  });
});
