import { describe, expect, it } from "vitest";
import {
  decode,
  encode,
  manifestSchema,
  openEnvelope,
  parseCpu,
  parseMemory,
  resolveAmount,
  subjects,
  templateOf,
  TugError,
  validate,
  canonicalJson,
} from "./index.js";

describe("contracts - subjects", () => {
  it("builds versioned subjects and refuses unsafe tokens", () => {
    expect(subjects.desired("apply")).toBe("tug.v1.desired.apply");
    expect(subjects.nodeSync("node-1")).toBe("tug.v1.node.node-1.sync");
    expect(subjects.hint("deployment", "default/web")).toBe("tug.v1.events.deployment.default_web");
    expect(() => subjects.nodeSync("a.b")).toThrow(TugError);
    expect(() => subjects.nodeSync("*")).toThrow(TugError);
  });
});

describe("contracts - codec and envelope", () => {
  it("round-trips msgpack and JSON", () => {
    const v = { a: 1, b: ["x", { c: true }] };
    expect(decode(encode(v))).toEqual(v);
    expect(decode(encode(v, "application/json"))).toEqual(v);
  });
  it("turns garbage into BAD_ENCODING and bad envelopes into BAD_ENVELOPE", () => {
    expect(() => decode(new Uint8Array([0x82, 0xa1]))).toThrow(expect.objectContaining({ code: "BAD_ENCODING" }));
    expect(() => decode(new TextEncoder().encode("{nope"))).toThrow(expect.objectContaining({ code: "BAD_ENCODING" }));
    expect(() => openEnvelope({ v: 2, kind: "k", id: "i", sentAt: 1, from: "f", body: 1 })).toThrow(
      expect.objectContaining({ code: "BAD_ENVELOPE" }),
    );
    expect(() => openEnvelope("x")).toThrow(expect.objectContaining({ code: "BAD_ENVELOPE" }));
  });
});

describe("contracts - manifest", () => {
  it("applies Kubernetes-like defaults and normalizes quantities", () => {
    const m = validate(manifestSchema, { name: "web", command: ["node"], resources: { cpu: "250m", memory: "64Mi" } });
    expect(m).toMatchObject({
      namespace: "default",
      replicas: 1,
      restartPolicy: "Always",
      strategy: { maxSurge: "25%", maxUnavailable: "25%" },
    });
    expect(m.resources).toEqual({ cpuMillis: 250, memoryBytes: 64 * 1024 * 1024 });
  });
  it("names the offending field", () => {
    const bad = (o: object) => {
      try {
        validate(manifestSchema, { name: "web", command: ["x"], ...o });
      } catch (e) {
        return (e as TugError).field;
      }
      return "accepted";
    };
    expect(bad({ replicas: 1.5 })).toBe("replicas");
    expect(bad({ resources: { cpu: "lots" } })).toBe("resources.cpu");
    expect(bad({ readinessProbe: { http: { path: "/", port: 80 }, tcp: { port: 80 } } })).toBe("readinessProbe");
    expect(bad({ command: undefined })).toBe("image");
  });
  it("gives equal templates the same canonical form", () => {
    const a = templateOf(validate(manifestSchema, { name: "web", command: ["x"], env: { A: "1", B: "2" } }));
    const b = templateOf(
      validate(manifestSchema, { name: "web", command: ["x"], env: { B: "2", A: "1" }, replicas: 7 }),
    );
    expect(canonicalJson(a)).toBe(canonicalJson(b));
  });
  it("parses quantities and percentages", () => {
    expect(parseCpu(0.5)).toBe(500);
    expect(parseCpu("1")).toBe(1000);
    expect(Number.isNaN(parseCpu("x"))).toBe(true);
    expect(parseMemory("1Gi")).toBe(1024 ** 3);
    expect(resolveAmount("25%", 10, true)).toBe(3);
    expect(resolveAmount("25%", 10, false)).toBe(2);
  });
});
