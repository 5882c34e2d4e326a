import dnsPacket from "dns-packet";
import { describe, expect, it } from "vitest";
import { answer, type DnsEndpoint, type ServiceLookup } from "./answer.js";
import { AnswerCache } from "./cache.js";
import { parseQuery } from "./query.js";

describe("dns answer cache", () => {
  let version = 1;
  let eps: DnsEndpoint[] = Array.from({ length: 4 }, (_, i) => ({
    host: `127.0.0.${i + 1}`,
    port: 20000 + i,
    replica: `web-r${i}`,
  }));
  const services: ServiceLookup = {
    get generation() {
      return version;
    },
    lookup: (ns, name) => (ns === "default" && name === "web" ? { version, endpoints: eps } : undefined),
  };
  const q = (name: string, type: dnsPacket.RecordType, id: number) =>
    Buffer.from(
      dnsPacket.encode({
        type: "query",
        id,
        flags: dnsPacket.RECURSION_DESIRED,
        questions: [{ type, name, class: "IN" }],
      }),
    );

  it("gives the same bytes as a fresh answer, with the query's id, for every rotation, name form and transport", () => {
    const cache = new AnswerCache(services);
    for (let turn = 0; turn < 40; turn++) {
      for (const [name, type] of [
        ["web.default.svc.tug.internal", "SRV"],
        ["Web.Default", "A"],
        ["web-r2.web.default.svc.tug.internal", "A"],
        ["ghost.default", "A"],
      ] as const) {
        const msg = q(name, type, turn * 7 + 1);
        expect(cache.answer(msg, turn, "udp")).toEqual(answer(parseQuery(msg), services, turn, 512));
        expect(cache.answer(msg, turn, "tcp")).toEqual(answer(parseQuery(msg), services, turn, 65_535));
      }
    }
    expect(cache.stats().hits).toBeGreaterThan(160);
    expect(cache.stats().entries).toBe(6);
  });

  it("never serves an answer from before an endpoint change", () => {
    const cache = new AnswerCache(services);
    const ports = () =>
      (
        dnsPacket.decode(cache.answer(q("web.default", "SRV", 9), 0, "tcp")).answers as Array<{
          data: { port: number };
        }>
      )
        .map((a) => a.data.port)
        .sort();
    expect(ports()).toEqual([20000, 20001, 20002, 20003]);
    eps = eps.slice(0, 2);
    version++;
    expect(ports()).toEqual([20000, 20001]);
  });

  it("throws what parseQuery throws and caches nothing for it", () => {
    const cache = new AnswerCache(services);
    const response = Buffer.from(q("web.default", "A", 3));
    response[2]! |= 0x80;
    expect(() => cache.answer(response, 0, "udp")).toThrow();
    expect(() => cache.answer(response, 0, "udp")).toThrow();
    expect(cache.stats().entries).toBe(0);
  });
});
