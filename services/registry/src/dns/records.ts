/**
 * Encoded resource records: one record through dns-packet, and the zone's SOA, which negative answers (NXDOMAIN and
 * NODATA) carry in their authority section so resolvers can cache them (RFC 2308), for the SOA's minimum (1 s).
 */
import dnsPacket from "dns-packet";
import { ZONE } from "./zone.js";

/** dns-packet's single-record encoder (present at runtime, missing from its type definitions). */
const recordCodec = (dnsPacket as unknown as { answer: { encode(r: dnsPacket.Answer): Buffer } }).answer;

/** Encodes one resource record. */
export function record(r: dnsPacket.Answer): Buffer {
  return recordCodec.encode(r);
}

/** TTL of every record, and the negative-caching time of the SOA. */
export const TTL = 1;

/** The zone's SOA record (`svc.tug.internal`), TTL and minimum 1 s: the negative-caching time, as short as answers. */
export const SOA_RECORD: Buffer = record({
  type: "SOA",
  name: ZONE,
  ttl: TTL,
  class: "IN",
  data: {
    mname: `ns.${ZONE}`,
    rname: `hostmaster.${ZONE}`,
    serial: 1,
    refresh: 60,
    retry: 10,
    expire: 3_600,
    minimum: TTL,
  },
});
