/**
 * A cache of encoded DNS answers keyed by the query's own bytes, so the hot path of a repeated query is one string
 * key, a map lookup, a copy and a 2-byte id patch: no parsing, no name matching, no record encoding. Everything in an
 * answer besides its id is a function of the bytes after the id (flags, question, EDNS size), the transport, the
 * endpoint table and the rotation step; the table's `generation` changes with every endpoint change, and a new one
 * empties the cache, so stale answers are never served. Each key holds its rotations (one per endpoint), built on
 * first use. Only answers about a known service with endpoints are kept; the rest (errors, NXDOMAIN, the apex) are
 * answered directly, so random names cannot push the useful entries out. Bounded: cleared when full.
 */
import { answer, type ServiceLookup } from "./answer.js";
import { parseQuery } from "./query.js";
import { matchName } from "./zone.js";

/** The largest answer a transport allows when the query does not say (UDP: the query's EDNS size or 512). */
const TCP_MAX = 65_535;

/** Answers raw queries through the cache. */
export class AnswerCache {
  private readonly answers = new Map<string, (Buffer | undefined)[]>();
  private generation = NaN;
  private hits = 0;
  private misses = 0;

  constructor(
    private readonly services: ServiceLookup,
    private readonly maxEntries = 20_000,
  ) {}

  /**
   * The answer to the raw query `msg`: the same bytes as `answer(parseQuery(msg), services, turn, max)` with `max`
   * the transport's limit. Throws DnsFormatError for what parseQuery rejects.
   */
  answer(msg: Buffer, turn: number, transport: "udp" | "tcp"): Buffer {
    if (this.services.generation !== this.generation) {
      this.answers.clear();
      this.generation = this.services.generation;
    }
    const key = transport === "udp" ? msg.toString("latin1", 2) : `T${msg.toString("latin1", 2)}`;
    const rotations = this.answers.get(key);
    const hit = rotations?.[turn % rotations.length];
    if (hit && msg.length >= 2) {
      this.hits++;
      const out = Buffer.allocUnsafe(hit.length);
      hit.copy(out);
      out[0] = msg[0]!;
      out[1] = msg[1]!;
      return out;
    }
    this.misses++;
    const q = parseQuery(msg);
    const out = answer(q, this.services, turn, transport === "udp" ? q.udpSize : TCP_MAX);
    const n = rotations?.length ?? this.rotationsOf(q.name);
    if (n > 0) {
      let slots = rotations;
      if (!slots) {
        if (this.answers.size >= this.maxEntries) this.answers.clear();
        this.answers.set(key, (slots = new Array<Buffer | undefined>(n)));
      }
      slots[turn % n] = Buffer.from(out);
    }
    return out;
  }

  /** How many distinct rotations the answer for `name` has (0: not cached). */
  private rotationsOf(name: string): number {
    const m = matchName(name);
    if (m.kind !== "service" && m.kind !== "replica") return 0;
    const eps = this.services.lookup(m.namespace, m.name)?.endpoints ?? [];
    if (m.kind === "service") return eps.length;
    let n = 0;
    for (const e of eps) if (e.replica === m.replica) n++;
    return n;
  }

  /** Hit and miss counts (tests and diagnostics). */
  stats(): { hits: number; misses: number; entries: number } {
    return { hits: this.hits, misses: this.misses, entries: this.answers.size };
  }
}
