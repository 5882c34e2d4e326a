/**
 * DNS as real resolvers see it: only names inside the zone get NXDOMAIN (the short `<name>.<ns>` form does not
 * swallow `example.com`), negative answers carry the zone's SOA, responses are never answered, and opcodes other than
 * QUERY get NOTIMP. Through a real UDP server on loopback.
 */
import { createSocket } from "node:dgram";
import dnsPacket from "dns-packet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "@tug/log";
import type { ServiceLookup } from "./answer.js";
import { type DnsServer, startDnsServer } from "./server.js";

const services: ServiceLookup = {
  generation: 1,
  lookup: (ns, name) =>
    ns === "default" && name === "web"
      ? { version: 1, endpoints: [{ host: "127.0.0.1", port: 20000, replica: "web-1-a" }] }
      : undefined,
};
let server: DnsServer;
beforeAll(async () => {
  server = await startDnsServer({ host: "127.0.0.1", port: 0, services, log: silentLogger() });
});
afterAll(async () => {
  await server.close();
});

const query = (name: string, type: dnsPacket.RecordType = "A", flags = dnsPacket.RECURSION_DESIRED) =>
  dnsPacket.encode({ type: "query", id: 11, flags, questions: [{ type, name, class: "IN" }] });

/** Sends one packet over UDP; undefined when nothing came back within `ms`. */
const udp = (msg: Uint8Array, ms = 400) =>
  new Promise<dnsPacket.Packet | undefined>((resolve) => {
    const s = createSocket("udp4");
    const t = setTimeout(() => {
      s.close();
      resolve(undefined);
    }, ms);
    s.on("message", (m) => {
      clearTimeout(t);
      s.close();
      resolve(dnsPacket.decode(m));
    });
    s.send(msg, server.port, "127.0.0.1");
  });

const soaOf = (p: dnsPacket.Packet | undefined) => (p?.authorities ?? []).filter((r) => r.type === "SOA");

describe("dns - names outside the zone, negative answers, odd packets", () => {
  const outside = ["example.com", "www.example.com", "nope.default", "_http._tcp.example.com"];
  it.each(outside)("%s is REFUSED, not NXDOMAIN", async (name) => {
    const r = await udp(query(name));
    expect(r?.rcode).toBe("REFUSED");
  });

  it("answers the short form of a service that exists", async () => {
    expect((await udp(query("web.default")))?.answers).toHaveLength(1);
  });

  it("NXDOMAIN inside the zone carries the zone's SOA", async () => {
    const r = await udp(query("nope.default.svc.tug.internal"));
    expect(r?.rcode).toBe("NXDOMAIN");
    const minimum = expect.objectContaining({ minimum: 1 });
    const soa = expect.objectContaining({ name: "svc.tug.internal", ttl: 1, data: minimum });
    expect(soaOf(r)).toEqual([soa]);
  });

  it("NODATA (a service with no record of that type, the zone apex) carries the SOA", async () => {
    const cases = [
      ["web.default.svc.tug.internal", "AAAA"],
      ["web.default", "TXT"],
      ["svc.tug.internal", "A"],
    ] as const;
    for (const [name, type] of cases) {
      const r = await udp(query(name, type));
      expect(r?.rcode, name).toBe("NOERROR");
      expect(r?.answers, name).toHaveLength(0);
      expect(soaOf(r), name).toHaveLength(1);
    }
  });

  it("answers SOA for the apex", async () => {
    const r = await udp(query("svc.tug.internal", "SOA"));
    expect(r?.answers).toEqual([expect.objectContaining({ type: "SOA", name: "svc.tug.internal" })]);
  });

  it("never answers a packet that is itself a response", async () => {
    const response = dnsPacket.encode({
      type: "response",
      id: 12,
      flags: dnsPacket.AUTHORITATIVE_ANSWER,
      questions: [{ type: "A", name: "web.default", class: "IN" }],
    });
    expect(await udp(response)).toBeUndefined();
  });

  it("answers NOTIMP to opcodes other than QUERY", async () => {
    const status = Buffer.from(query("web.default"));
    status.writeUInt16BE(status.readUInt16BE(2) | (2 << 11), 2); // opcode 2: STATUS
    const r = await udp(status);
    expect(r?.rcode).toBe("NOTIMP");
    expect(r?.id).toBe(11);
  });
});
