/**
 * A cache of encoded DNS answers, so the hot path of a repeated query is a map lookup, a copy and a 2-byte id
 * patch instead of record encoding. The key holds everything the bytes depend on besides the id: the question as
 * sent (case preserved), the RD bit, EDNS or not, the size limit, the service's endpoint version and the rotation step;
 * a change of endpoints changes the version, so stale entries are never served. Bounded: cleared when full.
 */
import { answer, type ServiceLookup } from "./answer.js";
import type { DnsQuery } from "./query.js";
import { matchName } from "./zone.js";

/** Answers through the cache; anything not about a known service (errors, zone apex) is answered directly. */
export class AnswerCache {
  private readonly answers = new Map<string, Buffer>();
  private hits = 0;
  private misses = 0;

  constructor(
    private readonly services: ServiceLookup,
    private readonly maxEntries = 20_000,
  ) {}

  /** Same bytes as `answer(q, services, turn, maxSize)`. */
  answer(q: DnsQuery, turn: number, maxSize: number): Buffer {
    const m = matchName(q.name);
    const svc = m.kind === "service" || m.kind === "replica" ? this.services.lookup(m.namespace, m.name) : undefined;
    if (!svc || svc.endpoints.length === 0) return answer(q, this.services, turn, maxSize);
    const key = `${q.question.toString("latin1")}|${q.rd ? 1 : 0}|${q.edns ? 1 : 0}|${maxSize}|${svc.version}|${turn % svc.endpoints.length}`;
    const hit = this.answers.get(key);
    if (hit) {
      this.hits++;
      const out = Buffer.allocUnsafe(hit.length);
      hit.copy(out);
      out.writeUInt16BE(q.id, 0);
      return out;
    }
    this.misses++;
    const out = answer(q, this.services, turn, maxSize);
    if (this.answers.size >= this.maxEntries) this.answers.clear();
    this.answers.set(key, Buffer.from(out));
    return out;
  }

  /** Hit and miss counts (tests and diagnostics). */
  stats(): { hits: number; misses: number; entries: number } {
    return { hits: this.hits, misses: this.misses, entries: this.answers.size };
  }
}
