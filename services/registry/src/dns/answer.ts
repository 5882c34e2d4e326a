/**
 * Builds DNS responses: A (deduplicated hosts) and SRV (one per endpoint, with A glue) for ready endpoints only,
 * rotated per query, TTL 1 s; NXDOMAIN for unknown names inside the zone, REFUSED for everything else (a short
 * `<name>.<ns>` that is no service, such as `example.com`, is not ours), truncation over UDP limits. NXDOMAIN and
 * NODATA (no record of the type asked) carry the zone's SOA in the authority section; `SOA` of the apex answers it.
 * The question is echoed byte for byte; records are encoded with dns-packet. A query with an EDNS0 OPT record gets
 * one back (our UDP payload size, version 0), as RFC 6891 asks.
 */
import dnsPacket from "dns-packet";
import { type DnsQuery, QTYPE } from "./query.js";
import { record, SOA_RECORD, TTL } from "./records.js";
import { matchName, ZONE } from "./zone.js";

/** One ready endpoint as DNS needs it. */
export interface DnsEndpoint {
  host: string;
  port: number;
  replica: string;
}

/** What the DNS server needs to know about services. */
export interface ServiceLookup {
  /** Ready endpoints of `ns/name` with a version that changes with them, or undefined when no such service exists. */
  lookup(namespace: string, name: string): { version: number; endpoints: DnsEndpoint[] } | undefined;
  /** A number that changes whenever any service's endpoints change (answer caches key on it). */
  readonly generation: number;
}

export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
export { TTL } from "./records.js";

const AA = dnsPacket.AUTHORITATIVE_ANSWER;

/** The UDP payload size this server advertises in its OPT record (the DNS flag day 2020 value). */
export const EDNS_UDP_SIZE = 1232;

/** Our OPT record: root name, type OPT, class = payload size, extended rcode/version/flags 0, no options. */
const OPT_RECORD = (() => {
  const b = Buffer.alloc(11);
  b.writeUInt16BE(41, 1);
  b.writeUInt16BE(EDNS_UDP_SIZE, 3);
  return b;
})();
const TC = dnsPacket.TRUNCATED_RESPONSE;

function header(id: number, flags: number, qd: number, an: number, ar: number, ns = 0): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(id, 0);
  h.writeUInt16BE(0x8000 | flags, 2);
  h.writeUInt16BE(qd, 4);
  h.writeUInt16BE(an, 6);
  h.writeUInt16BE(ns, 8);
  h.writeUInt16BE(ar, 10);
  return h;
}

/**
 * A reply with no answers and `rcode` (the question is echoed when known; an OPT record when `edns`). NXDOMAIN, and
 * NOERROR with a question (NODATA), carry the zone's SOA in the authority section.
 */
export function errorReply(id: number, rcode: number, question?: Buffer, rd = false, edns = false): Buffer {
  const soa = question && (rcode === RCODE.NXDOMAIN || rcode === RCODE.NOERROR) ? [SOA_RECORD] : [];
  const flags = AA | rcode | (rd ? dnsPacket.RECURSION_DESIRED : 0);
  const h = header(id, flags, question ? 1 : 0, 0, edns ? 1 : 0, soa.length);
  return Buffer.concat([h, ...(question ? [question] : []), ...soa, ...(edns ? [OPT_RECORD] : [])]);
}

function rotate<T>(xs: T[], by: number): T[] {
  if (xs.length < 2) return xs;
  const k = by % xs.length;
  return [...xs.slice(k), ...xs.slice(0, k)];
}

/**
 * Answers one parsed query; `turn` rotates the record order. `maxSize` is the transport's limit (UDP: the client's
 * EDNS size or 512; TCP: 65535); an answer that does not fit is sent empty with the TC bit so the client retries on
 * TCP.
 */
export function answer(q: DnsQuery, services: ServiceLookup, turn: number, maxSize: number): Buffer {
  const fail = (rcode: number) => errorReply(q.id, rcode, q.question, q.rd, q.edns);
  if (q.klass !== 1 && q.klass !== 255) return fail(RCODE.REFUSED);
  const m = matchName(q.name);
  if (m.kind === "outside") return fail(RCODE.REFUSED);
  if (m.kind === "zone") {
    return m.apex && (q.type === QTYPE.SOA || q.type === QTYPE.ANY) ? soaAnswer(q) : fail(RCODE.NOERROR);
  }
  const svc = services.lookup(m.namespace, m.name);
  if (!svc) return fail(m.inZone ? RCODE.NXDOMAIN : RCODE.REFUSED);
  let eps = svc.endpoints;
  if (m.kind === "replica") {
    eps = eps.filter((e) => e.replica === m.replica);
    if (eps.length === 0) return fail(RCODE.NXDOMAIN);
  }
  const answers: Buffer[] = [];
  const glue: Buffer[] = [];
  const rotated = rotate(eps, turn);
  if (q.type === QTYPE.A || q.type === QTYPE.ANY) {
    for (const host of new Set(rotated.map((e) => e.host)))
      answers.push(record({ type: "A", name: q.rawName, ttl: TTL, class: "IN", data: host }));
  }
  if (q.type === QTYPE.SRV || q.type === QTYPE.ANY) {
    for (const e of rotated) {
      const target = `${e.replica}.${m.name}.${m.namespace}.${ZONE}`;
      answers.push(
        record({
          type: "SRV",
          name: q.rawName,
          ttl: TTL,
          class: "IN",
          data: { priority: 0, weight: 10, port: e.port, target },
        }),
      );
      glue.push(record({ type: "A", name: target, ttl: TTL, class: "IN", data: e.host }));
    }
  }
  const flags = AA | (q.rd ? dnsPacket.RECURSION_DESIRED : 0);
  const opt = q.edns ? [OPT_RECORD] : [];
  const reply = (f: number, an: Buffer[], ar: Buffer[]) =>
    Buffer.concat([header(q.id, f, 1, an.length, ar.length + opt.length), q.question, ...an, ...ar, ...opt]);
  const size = (parts: Buffer[]) => 12 + q.question.length + [...parts, ...opt].reduce((a, b) => a + b.length, 0);
  if (answers.length === 0) return fail(RCODE.NOERROR);
  if (size([...answers, ...glue]) <= maxSize) return reply(flags, answers, glue);
  if (size(answers) <= maxSize) return reply(flags, answers, []);
  return reply(flags | TC, [], []);
}

/** The apex's SOA as the answer (`dig SOA svc.tug.internal`). */
function soaAnswer(q: DnsQuery): Buffer {
  const opt = q.edns ? [OPT_RECORD] : [];
  const flags = AA | (q.rd ? dnsPacket.RECURSION_DESIRED : 0);
  return Buffer.concat([header(q.id, flags, 1, 1, opt.length), q.question, SOA_RECORD, ...opt]);
}
