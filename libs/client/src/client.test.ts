import { describe, expect, it } from "vitest";
import { parseServiceName } from "./name.js";
import { RoundRobinPicker } from "./picker.js";
import { parseView } from "./view.js";

const ep = (replica: string, port: number) => ({ host: "127.0.0.1", port, replica, node: "n1", ready: true });

describe("client - names", () => {
  it("parses name, name.namespace and the DNS form", () => {
    expect(parseServiceName("web")).toEqual({ namespace: "default", name: "web" });
    expect(parseServiceName("web.prod")).toEqual({ namespace: "prod", name: "web" });
    expect(parseServiceName("web.prod.svc.tug.internal")).toEqual({ namespace: "prod", name: "web" });
    expect(parseServiceName("web", "ops")).toEqual({ namespace: "ops", name: "web" });
  });
  it("rejects anything else with VALIDATION_FAILED", () => {
    for (const bad of ["", "Web", "a.b.c", "-x", "x/y", "a".repeat(64)])
      expect(() => parseServiceName(bad)).toThrow(
        expect.objectContaining({ code: "VALIDATION_FAILED", field: "name" }),
      );
  });
});

describe("client - registry answers", () => {
  it("keeps ready endpoints only and rejects malformed answers", () => {
    const v = parseView({
      name: "web",
      namespace: "default",
      revision: 1,
      index: 3,
      endpoints: [ep("a", 1), { ...ep("b", 2), ready: false }],
    });
    expect(v.endpoints.map((e) => e.replica)).toEqual(["a"]);
    expect(() => parseView({ name: "web", endpoints: "x" })).toThrow(expect.objectContaining({ code: "BAD_ENCODING" }));
    expect(() =>
      parseView({ name: "web", namespace: "d", revision: 1, index: 1, endpoints: [{ ...ep("a", 1), port: 70_000 }] }),
    ).toThrow(/port/);
  });
});

describe("client - round-robin picker", () => {
  it("spreads evenly and keeps spreading across updates", () => {
    const p = new RoundRobinPicker([ep("c", 3), ep("a", 1), ep("b", 2)]);
    const seen = Array.from({ length: 6 }, () => p.next()!.replica);
    expect(seen).toEqual(["a", "b", "c", "a", "b", "c"]);
    p.update([ep("a", 1), ep("c", 3)]);
    const counts: Record<string, number> = {};
    for (let i = 0; i < 100; i++) {
      const r = p.next()!.replica;
      counts[r] = (counts[r] ?? 0) + 1;
    }
    expect(counts).toEqual({ a: 50, c: 50 });
    p.update([]);
    expect(p.next()).toBeUndefined();
    expect(p.size).toBe(0);
  });
});
