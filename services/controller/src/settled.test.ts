import { silentLogger } from "@tug/log";
import { describe, expect, it } from "vitest";
import { SettledStamps } from "./settled.js";

describe("the controller's settled stamps", () => {
  it("lets a resync skip only recorded deployments whose stamp is unchanged, in one read", async () => {
    const now = new Map([
      ["a", "1"],
      ["b", "7"],
    ]);
    const asked: string[][] = [];
    const s = new SettledStamps(async (ids) => {
      asked.push([...ids]);
      return ids.map((id) => now.get(id) ?? "");
    }, silentLogger());
    s.record("a", "1");
    s.record("b", "5");
    s.record("gone", "3");
    // a: same stamp → skipped; b: moved; d: never settled → reconciled; "gone" is not listed: forgotten
    expect(await s.changed(["a", "b", "d"])).toEqual(["b", "d"]);
    expect(asked).toEqual([["a", "b"]]);
    s.forget("a");
    expect(await s.changed(["a"])).toEqual(["a"]);
    s.record("b", "7");
    expect(await s.changed(["b"])).toEqual([]);
    expect(await s.changed(["gone"])).toEqual(["gone"]);
  });

  it("reconciles everything when the stamps cannot be read", async () => {
    const s = new SettledStamps(async () => {
      throw new Error("redis down");
    }, silentLogger());
    s.record("a", "1");
    expect(await s.changed(["a", "b"])).toEqual(["a", "b"]);
  });

  it("reconciles every deployment, settled or not, once per deep period", async () => {
    const s = new SettledStamps(async (ids) => ids.map(() => "1"), silentLogger(), 60_000, 0);
    s.record("a", "1");
    expect(await s.changed(["a"], 59_999)).toEqual([]);
    expect(await s.changed(["a"], 60_000)).toEqual(["a"]);
    s.record("a", "1");
    expect(await s.changed(["a"], 60_001)).toEqual([]);
    expect(await s.changed(["a"], 120_000)).toEqual(["a"]);
  });
});
