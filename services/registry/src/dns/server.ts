/**
 * The DNS server (UDP and TCP on one port). Every packet is handled inside a try/catch: malformed input gets
 * FORMERR when its id can be read and is dropped otherwise; nothing a client sends can crash the process.
 */
import { createSocket, type Socket } from "node:dgram";
import { createServer, type Server, type Socket as TcpSocket } from "node:net";
import type { Logger } from "@tug/log";
import { Counter, type Registry } from "prom-client";
import { errorReply, type ServiceLookup } from "./answer.js";
import { AnswerCache } from "./cache.js";
import { DnsFormatError, parseQuery } from "./query.js";

export interface DnsServerOptions {
  host: string;
  port: number;
  services: ServiceLookup;
  log: Logger;
  metrics?: Registry;
}

/** A running DNS server. */
export interface DnsServer {
  port: number;
  close(): Promise<void>;
}

/** Starts UDP and TCP listeners; resolves once both are bound. */
export async function startDnsServer(o: DnsServerOptions): Promise<DnsServer> {
  const queries = new Counter({
    name: "tug_dns_queries_total",
    help: "DNS queries by transport and rcode",
    labelNames: ["transport", "rcode"],
    registers: o.metrics ? [o.metrics] : [],
  });
  const cache = new AnswerCache(o.services);
  const counted = new Map<string, { inc(): void }>();
  const count = (transport: string, rcode: string) => {
    const k = `${transport}:${rcode}`;
    let c = counted.get(k);
    if (!c) counted.set(k, (c = queries.labels(transport, rcode)));
    c.inc();
  };
  let turn = 0;
  const respond = (msg: Buffer, transport: "udp" | "tcp"): Buffer | undefined => {
    let out: Buffer | undefined;
    try {
      const q = parseQuery(msg);
      out = cache.answer(q, turn++, transport === "udp" ? q.udpSize : 65_535);
    } catch (err) {
      if (err instanceof DnsFormatError && err.id !== undefined) out = errorReply(err.id, err.rcode);
      else if (!(err instanceof DnsFormatError))
        o.log.error({ err: String((err as Error)?.stack ?? err) }, "dns answer fault");
    }
    count(transport, out ? String(out.readUInt16BE(2) & 0xf) : "dropped");
    if (turn > 1e9) turn = 0;
    return out;
  };

  const udp: Socket = createSocket({ type: "udp4", reuseAddr: false });
  udp.on("message", (msg, rinfo) => {
    const out = respond(msg, "udp");
    if (out) udp.send(out, rinfo.port, rinfo.address);
  });
  udp.on("error", (err) => o.log.warn({ err: String(err) }, "dns udp error"));
  await new Promise<void>((resolve, reject) => {
    udp.once("error", reject);
    udp.bind(o.port, o.host, () => {
      udp.off("error", reject);
      resolve();
    });
  });
  const port = udp.address().port;

  const tcp: Server = createServer((sock) => serveTcp(sock, (m) => respond(m, "tcp")));
  await new Promise<void>((resolve, reject) => tcp.once("error", reject).listen(port, o.host, () => resolve()));
  o.log.info({ dns: `${o.host}:${port}` }, "dns listening (udp+tcp)");
  return {
    port,
    async close() {
      udp.close();
      await new Promise<void>((r) => tcp.close(() => r()));
    },
  };
}

/** Reads length-prefixed messages from a TCP stream (bounded buffer, idle timeout). */
function serveTcp(sock: TcpSocket, respond: (m: Buffer) => Buffer | undefined): void {
  let buf = Buffer.alloc(0);
  sock.setTimeout(10_000, () => sock.destroy());
  sock.on("error", () => sock.destroy());
  sock.on("data", (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    if (buf.length > 70_000) return sock.destroy();
    while (buf.length >= 2) {
      const len = buf.readUInt16BE(0);
      if (buf.length < 2 + len) break;
      const out = respond(buf.subarray(2, 2 + len));
      buf = buf.subarray(2 + len);
      if (!out) return sock.destroy();
      const framed = Buffer.alloc(2 + out.length);
      framed.writeUInt16BE(out.length, 0);
      out.copy(framed, 2);
      sock.write(framed);
    }
  });
}
