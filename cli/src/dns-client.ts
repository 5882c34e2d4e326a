/** A one-shot DNS client over UDP for `tug resolve`: asks the registry's DNS server for SRV and A records. */
import { createSocket } from "node:dgram";
import * as packet from "dns-packet";

/** One answer record, flattened for printing. */
export interface DnsRecord {
  type: string;
  name: string;
  data: string;
  ttl: number;
}

/** Parses `host:port` (the `--dns` option). */
export function dnsServer(v: string): { host: string; port: number } {
  const m = /^([^:]+):(\d{1,5})$/.exec(v);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65_535) throw new Error(`must be host:port, got ${JSON.stringify(v)}`);
  return { host: m[1]!, port };
}

/** Queries `name` for `type` at `server`; resolves to the answers, rejects on timeout or an error rcode. */
export function query(
  server: { host: string; port: number },
  name: string,
  type: "A" | "SRV",
  timeoutMs = 1_000,
): Promise<DnsRecord[]> {
  return new Promise((resolve, reject) => {
    const sock = createSocket("udp4");
    const id = Math.floor(Math.random() * 65_535);
    const done = (err: Error | undefined, records?: DnsRecord[]) => {
      clearTimeout(timer);
      sock.close();
      if (err) reject(err);
      else resolve(records!);
    };
    const timer = setTimeout(
      () => done(new Error(`no answer from ${server.host}:${server.port} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    sock.on("error", (err) => done(err));
    sock.on("message", (msg) => {
      let res: packet.Packet;
      try {
        res = packet.decode(msg);
      } catch (err) {
        return done(err as Error);
      }
      if (res.id !== id) return;
      const rcode = (res as { rcode?: string }).rcode;
      if (rcode && rcode !== "NOERROR") return done(new Error(rcode));
      done(
        undefined,
        (res.answers ?? []).map((a) => ({
          type: a.type,
          name: a.name,
          ttl: (a as { ttl?: number }).ttl ?? 0,
          data: recordData(a),
        })),
      );
    });
    const q = packet.encode({
      type: "query",
      id,
      flags: packet.RECURSION_DESIRED,
      questions: [{ type, name, class: "IN" }],
    });
    sock.send(q, server.port, server.host);
  });
}

function recordData(a: packet.Answer): string {
  const d = (a as { data?: unknown }).data;
  if (d && typeof d === "object" && "target" in d) {
    const s = d as { priority?: number; weight?: number; port?: number; target: string };
    return `${s.target}:${s.port} (priority ${s.priority ?? 0}, weight ${s.weight ?? 0})`;
  }
  return String(d);
}
