/**
 * Fast, strict parsing of a DNS query's header and single question straight from the bytes (no allocation-heavy
 * full decode on the hot path). Anything malformed throws DnsFormatError; the server answers FORMERR or drops.
 */

/**
 * Thrown for packets that are not a well-formed single-question query. The server answers `rcode` (FORMERR, or
 * NOTIMP for an opcode other than QUERY) when `id` is known, and drops the packet otherwise: a packet that is itself
 * a response is always dropped (answering responses would let two servers bounce packets forever).
 */
export class DnsFormatError extends Error {
  constructor(
    message: string,
    readonly id?: number,
    readonly rcode = RCODE_FORMERR,
  ) {
    super(message);
    this.name = "DnsFormatError";
  }
}

const RCODE_FORMERR = 1;
const RCODE_NOTIMP = 4;

export interface DnsQuery {
  id: number;
  /** Recursion-desired bit of the query (echoed back). */
  rd: boolean;
  /** Lower-cased name without the trailing dot. */
  name: string;
  /** Name as sent (case preserved) for the question echo. */
  rawName: string;
  type: number;
  klass: number;
  /** Bytes of the question section (echoed verbatim in the answer). */
  question: Buffer;
  /** Largest UDP answer the client accepts (EDNS0 OPT), 512 without EDNS. */
  udpSize: number;
  /** The query carried an EDNS0 OPT record (the reply then carries one too, RFC 6891 §6.1.1). */
  edns: boolean;
}

export const QTYPE = { A: 1, SOA: 6, SRV: 33, AAAA: 28, ANY: 255, OPT: 41 } as const;

/** Parses a query; throws DnsFormatError (with the id when known). */
export function parseQuery(buf: Buffer): DnsQuery {
  if (buf.length < 12) throw new DnsFormatError("shorter than a DNS header");
  const id = buf.readUInt16BE(0);
  const flags = buf.readUInt16BE(2);
  if (flags & 0x8000) throw new DnsFormatError("a response, not a query (never answered)");
  if ((flags >> 11) & 0xf) throw new DnsFormatError("unsupported opcode", id, RCODE_NOTIMP);
  const qd = buf.readUInt16BE(4);
  const an = buf.readUInt16BE(6);
  const ns = buf.readUInt16BE(8);
  const ar = buf.readUInt16BE(10);
  if (qd !== 1) throw new DnsFormatError(`expected one question, got ${qd}`, id);
  if (an !== 0 || ns !== 0 || ar > 1) throw new DnsFormatError("unexpected records in a query", id);
  let off = 12;
  const labels: string[] = [];
  let total = 0;
  for (;;) {
    if (off >= buf.length) throw new DnsFormatError("name runs past the end", id);
    const len = buf[off]!;
    if (len === 0) {
      off++;
      break;
    }
    if (len > 63) throw new DnsFormatError("label too long or compressed name in question", id);
    if (off + 1 + len > buf.length) throw new DnsFormatError("label runs past the end", id);
    total += len + 1;
    if (total > 255) throw new DnsFormatError("name too long", id);
    labels.push(buf.toString("latin1", off + 1, off + 1 + len));
    off += 1 + len;
  }
  if (off + 4 > buf.length) throw new DnsFormatError("question truncated", id);
  const type = buf.readUInt16BE(off);
  const klass = buf.readUInt16BE(off + 2);
  const question = buf.subarray(12, off + 4);
  off += 4;
  let udpSize = 512;
  const edns = ar === 1;
  if (edns) {
    // EDNS0 OPT: root name (0), type 41, class = UDP payload size
    if (off + 11 > buf.length || buf[off] !== 0 || buf.readUInt16BE(off + 1) !== QTYPE.OPT)
      throw new DnsFormatError("additional record is not an OPT", id);
    udpSize = Math.max(512, Math.min(4096, buf.readUInt16BE(off + 3)));
  }
  const rawName = labels.join(".");
  return { id, rd: (flags & 0x0100) !== 0, name: rawName.toLowerCase(), rawName, type, klass, question, udpSize, edns };
}
