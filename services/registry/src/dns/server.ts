/**
 * The DNS server (UDP and TCP on one port). Packets are answered by `responder` (respond.ts: cached answers, never a
 * crash on bad input). With `workers`, that many extra processes read the same UDP socket (workers.ts); TCP stays in
 * this process.
 */
import { createSocket, type Socket } from "node:dgram";
import { createServer, type Server, type Socket as TcpSocket } from "node:net";
import type { Logger } from "@tug/log";
import type { Registry } from "prom-client";
import type { ServiceLookup } from "./answer.js";
import { QueryCounts, queryCounter } from "./counts.js";
import { type Responder, responder } from "./respond.js";
import type { TableFeed } from "./table-feed.js";
import { type DnsWorkers, startDnsWorkers } from "./workers.js";

export interface DnsServerOptions {
  host: string;
  port: number;
  services: ServiceLookup;
  log: Logger;
  metrics?: Registry;
  /** Extra processes reading the UDP socket (default 0); needs `services` to be a TableFeed. */
  workers?: number;
  /** The workers' entry file (default: worker.js beside workers.js). */
  workerEntry?: URL;
}

/** A running DNS server. */
export interface DnsServer {
  port: number;
  /** True while every worker process runs (always true without workers). */
  healthy(): boolean;
  /** Process ids of the worker processes. */
  workerPids(): number[];
  close(): Promise<void>;
}

/** Starts UDP and TCP listeners (and the workers); resolves once both are bound. */
export async function startDnsServer(o: DnsServerOptions): Promise<DnsServer> {
  const counts = new QueryCounts();
  queryCounter(counts, o.metrics);
  const respond = responder(o.services, counts, (err) =>
    o.log.error({ err: String((err as Error)?.stack ?? err) }, "dns answer fault"),
  );

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

  const tcp: Server = createServer((sock) => serveTcp(sock, respond));
  await new Promise<void>((resolve, reject) => tcp.once("error", reject).listen(port, o.host, () => resolve()));
  const workers: DnsWorkers | undefined = o.workers
    ? startDnsWorkers({
        count: o.workers,
        socket: udp,
        table: o.services as TableFeed,
        counts,
        log: o.log,
        entry: o.workerEntry,
      })
    : undefined;
  o.log.info({ dns: `${o.host}:${port}`, workers: o.workers ?? 0 }, "dns listening (udp+tcp)");
  return {
    port,
    healthy: () => workers?.alive() ?? true,
    workerPids: () => workers?.pids() ?? [],
    async close() {
      await workers?.close();
      udp.close();
      await new Promise<void>((r) => tcp.close(() => r()));
    },
  };
}

/** Reads length-prefixed messages from a TCP stream (bounded buffer, idle timeout). */
function serveTcp(sock: TcpSocket, respond: Responder): void {
  let buf = Buffer.alloc(0);
  sock.setTimeout(10_000, () => sock.destroy());
  sock.on("error", () => sock.destroy());
  sock.on("data", (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    if (buf.length > 70_000) return sock.destroy();
    while (buf.length >= 2) {
      const len = buf.readUInt16BE(0);
      if (buf.length < 2 + len) break;
      const out = respond(buf.subarray(2, 2 + len), "tcp");
      buf = buf.subarray(2 + len);
      if (!out) return sock.destroy();
      const framed = Buffer.alloc(2 + out.length);
      framed.writeUInt16BE(out.length, 0);
      out.copy(framed, 2);
      sock.write(framed);
    }
  });
}
