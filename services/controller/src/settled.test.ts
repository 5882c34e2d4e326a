import { silentLogger } from "@tug/log";
import { describe, expect, it } from "vitest";
import { SettledDigests } from "./settled.js";

describe("the controller's settled digests", () => {
  it("lets a resync skip only recorded deployments whose digest is unchanged", async () => {
    const now = new Map([
      ["a", "d-a"],
      ["b", "d-b2"],
      ["c", "d-c"],
    ]);
    const asked: string[] = [];
    const s = new SettledDigests(async (id) => {
      asked.push(id);
      if (id === "c") throw new Error("redis down");
      return now.get(id)!;
    }, silentLogger());
    s.record("a", "d-a");
    s.record("b", "d-b1");
    s.record("c", "d-c");
    s.record("gone", "d-g");
    // a: same digest → skipped; b: changed; c: unreadable → reconciled; d: never settled → reconciled
    expect(await s.changed(["a", "b", "c", "d"])).toEqual(["b", "c", "d"]);
    expect(asked.sort()).toEqual(["a", "b", "c"]);
    s.forget("a");
    expect(await s.changed(["a"])).toEqual(["a"]);
    asked.length = 0;
    s.record("b", "d-b2");
    s.record("gone", "d-g"); // listed no more: forgotten, so not asked again
    expect(await s.changed(["b"])).toEqual([]);
    expect(await s.changed(["gone"])).toEqual(["gone"]);
    expect(asked).toEqual(["b"]);
  });
});
