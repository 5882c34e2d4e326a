/**
 * One query in, one reply out (or none), counted: the per-packet work shared by the registry's DNS server and its
 * worker processes. Every packet is handled inside a try/catch: malformed input gets FORMERR when its id can be read
 * and is dropped otherwise; nothing a client sends can crash the process.
 */
import { errorReply, type ServiceLookup } from "./answer.js";
import { AnswerCache } from "./cache.js";
import { DROPPED, type QueryCounts } from "./counts.js";
import { DnsFormatError } from "./query.js";

/** Answers a raw query on a transport; undefined = drop it. */
export type Responder = (msg: Buffer, transport: "udp" | "tcp") => Buffer | undefined;

/** A responder over `services` that rotates answers per query and counts every packet in `counts`. */
export function responder(services: ServiceLookup, counts: QueryCounts, onFault: (err: unknown) => void): Responder {
  const cache = new AnswerCache(services);
  let turn = 0;
  return (msg, transport) => {
    let out: Buffer | undefined;
    try {
      out = cache.answer(msg, turn++, transport);
    } catch (err) {
      if (err instanceof DnsFormatError && err.id !== undefined) out = errorReply(err.id, err.rcode);
      else if (!(err instanceof DnsFormatError)) onFault(err);
    }
    counts.add(transport, out ? out[3]! & 0xf : DROPPED);
    if (turn > 1e9) turn = 0;
    return out;
  };
}
