import { createSocket } from "node:dgram";
import { connect } from "node:net";
import dnsPacket from "dns-packet";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "@tug/log";
import { answer, RCODE, type ServiceLookup } from "./answer.js";
import { parseQuery } from "./query.js";
import { type DnsServer, startDnsServer } from "./server.js";

const eps = Array.from({ length: 5 }, (_, i) => ({ host: "127.0.0.1", port: 20000 + i, replica: `web-1-r${i}` }));
const services: ServiceLookup = {
  generation: 1,
  lookup: (ns, name) =>
    ns === "default" && name === "web"
      ? { version: 1, endpoints: eps }
      : ns === "default" && name === "big"
        ? {
            version: 1,
            endpoints: Array.from({ length: 60 }, (_, i) => ({
              host: `127.0.0.${(i % 200) + 1}`,
              port: 21000 + i,
              replica: `big-1-replica-number-${i}`,
            })),
          }
        : undefined,
};
const query = (name: string, type: dnsPacket.RecordType = "A", id = 7) =>
  dnsPacket.encode({ type: "query", id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name, class: "IN" }] });
const ask = (name: string, type: dnsPacket.RecordType = "A", turn = 0, max = 512) =>
  dnsPacket.decode(answer(parseQuery(query(name, type)), services, turn, max));

describe("dns - answers", () => {
  it("answers A for the long and short names, deduplicating hosts, TTL 1", () => {
    for (const name of ["web.default.svc.tug.internal", "web.default", "WEB.Default.svc.tug.internal"]) {
      const r = ask(name);
      expect(r.rcode).toBe("NOERROR");
      expect(r.answers).toHaveLength(1);
      expect(r.answers![0]).toMatchObject({ type: "A", data: "127.0.0.1", ttl: 1 });
    }
  });
  it("answers SRV with every endpoint's port, rotated per query, with glue", () => {
    const a = ask("web.default.svc.tug.internal", "SRV", 0, 4096);
    const b = ask("web.default.svc.tug.internal", "SRV", 1, 4096);
    const ports = (r: dnsPacket.Packet) => r.answers!.map((x) => (x as { data: { port: number } }).data.port);
    expect(ports(a).sort()).toEqual(eps.map((e) => e.port));
    expect(ports(a)).not.toEqual(ports(b));
    expect(a.additionals).toHaveLength(5);
  });
  it("says NXDOMAIN for unknown services and REFUSED outside the zone", () => {
    expect(ask("nope.default.svc.tug.internal").rcode).toBe("NXDOMAIN");
    expect(ask("example.com.evil").rcode).toBe("REFUSED");
    expect(ask("www.example.com").rcode).toBe("REFUSED");
  });
  it("truncates over the UDP limit so the client retries on TCP", () => {
    const r = ask("big.default.svc.tug.internal", "SRV", 0, 512);
    expect(r.flag_tc).toBe(true);
    const full = ask("big.default.svc.tug.internal", "SRV", 0, 65_535);
    expect(full.answers).toHaveLength(60);
  });
  it("echoes an EDNS0 OPT record when the query has one, and only then", () => {
    const withOpt = (name: string) =>
      dnsPacket.encode({
        type: "query",
        id: 9,
        flags: dnsPacket.RECURSION_DESIRED,
        questions: [{ type: "SRV", name, class: "IN" }],
        additionals: [
          {
            type: "OPT",
            name: ".",
            udpPayloadSize: 4096,
            extendedRcode: 0,
            ednsVersion: 0,
            flags: 0,
            options: [],
          } as unknown as dnsPacket.Answer,
        ],
      });
    const opts = (r: dnsPacket.Packet) => (r.additionals ?? []).filter((x) => x.type === "OPT");
    const found = dnsPacket.decode(answer(parseQuery(withOpt("web.default")), services, 0, 4096));
    expect(found.answers).toHaveLength(5);
    expect(opts(found)).toHaveLength(1);
    expect(opts(found)[0]).toMatchObject({ udpPayloadSize: 1232 });
    expect(opts(dnsPacket.decode(answer(parseQuery(withOpt("nope.default")), services, 0, 4096)))).toHaveLength(1);
    expect(opts(ask("web.default.svc.tug.internal", "SRV", 0, 4096))).toHaveLength(0);
  });
  it("rejects malformed queries with a format error", () => {
    expect(() => parseQuery(Buffer.from([1, 2, 3]))).toThrow();
    const bad = Buffer.from(query("web.default"));
    bad[12] = 200; // label length past the end
    expect(() => parseQuery(bad)).toThrow(expect.objectContaining({ id: 7 }));
  });
});

describe("dns - server", () => {
  let server: DnsServer;
  beforeAll(async () => {
    server = await startDnsServer({ host: "127.0.0.1", port: 0, services, log: silentLogger() });
  });
  afterAll(async () => {
    await server.close();
  });

  const udp = (msg: Uint8Array, timeoutMs = 500) =>
    new Promise<Buffer | undefined>((resolve) => {
      const s = createSocket("udp4");
      const t = setTimeout(() => {
        s.close();
        resolve(undefined);
      }, timeoutMs);
      s.on("message", (m) => {
        clearTimeout(t);
        s.close();
        resolve(m);
      });
      s.send(msg, server.port, "127.0.0.1");
    });
  const tcp = (msg: Uint8Array) =>
    new Promise<Buffer>((resolve, reject) => {
      const c = connect(server.port, "127.0.0.1");
      const framed = Buffer.alloc(2 + msg.length);
      framed.writeUInt16BE(msg.length, 0);
      Buffer.from(msg).copy(framed, 2);
      let buf = Buffer.alloc(0);
      c.on("data", (d) => {
        buf = Buffer.concat([buf, d]);
        if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          c.destroy();
          resolve(buf.subarray(2));
        }
      });
      c.on("error", reject);
      c.write(framed);
    });

  it("answers over UDP and TCP", async () => {
    const u = dnsPacket.decode((await udp(query("web.default", "SRV")))!);
    expect(u.answers).toHaveLength(5);
    const t = dnsPacket.decode(await tcp(query("big.default", "SRV")));
    expect(t.answers).toHaveLength(60);
  });

  it("survives thousands of random and mutated packets and keeps answering", async () => {
    const seed = Buffer.from(query("web.default.svc.tug.internal", "SRV"));
    const packets = fc.sample(
      fc.oneof(
        fc.uint8Array({ minLength: 0, maxLength: 600 }),
        fc
          .array(fc.tuple(fc.nat(seed.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 })
          .map((muts) => {
            const b = Buffer.from(seed);
            for (const [i, v] of muts) b[i] = v;
            return new Uint8Array(b);
          }),
      ),
      { numRuns: 3000, seed: 42 },
    );
    const sender = createSocket("udp4");
    sender.on("message", () => {});
    for (let i = 0; i < packets.length; i++) {
      sender.send(packets[i]!, server.port, "127.0.0.1");
      if (i % 200 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => setTimeout(r, 300));
    sender.close();
    let after: Buffer | undefined;
    for (let i = 0; i < 5 && !after; i++) after = await udp(query("web.default"), 1_000);
    expect(after && dnsPacket.decode(after).rcode).toBe("NOERROR");
    expect(RCODE.NXDOMAIN).toBe(3);
  });
});
