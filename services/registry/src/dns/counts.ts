/**
 * Query counts by transport and rcode as plain numbers (an array slot per pair, no label lookup per query), turned
 * into the `tug_dns_queries_total` counter when /metrics is scraped. Worker processes send their deltas to the
 * registry, which adds them here, so the metric covers every process answering on the port.
 */
import { Counter, type Registry } from "prom-client";

/** Transports in slot order. */
export const TRANSPORTS = ["udp", "tcp"] as const;
/** Slot of a dropped packet (no answer); rcodes 0..15 take the slots before it. */
export const DROPPED = 16;
const SLOTS = DROPPED + 1;

/** Counts per (transport, rcode | dropped); `take` hands out and zeroes what was counted since the last call. */
export class QueryCounts {
  private readonly n = new Float64Array(TRANSPORTS.length * SLOTS);

  /** One query on `transport` answered with `rcode` (0..15) or DROPPED. */
  add(transport: "udp" | "tcp", slot: number): void {
    this.n[(transport === "udp" ? 0 : SLOTS) + slot]!++;
  }

  /** Adds counts taken elsewhere (a worker's `take()`). */
  merge(deltas: readonly number[]): void {
    for (let i = 0; i < this.n.length && i < deltas.length; i++) this.n[i]! += deltas[i] ?? 0;
  }

  /** The counts since the previous call, then zero. */
  take(): number[] {
    const out = Array.from(this.n);
    this.n.fill(0);
    return out;
  }
}

/** Registers `tug_dns_queries_total` on `registry`, fed from `counts` at every scrape. */
export function queryCounter(counts: QueryCounts, registry: Registry | undefined): void {
  new Counter({
    name: "tug_dns_queries_total",
    help: "DNS queries by transport and rcode",
    labelNames: ["transport", "rcode"],
    registers: registry ? [registry] : [],
    collect() {
      const d = counts.take();
      for (let i = 0; i < d.length; i++) {
        if (!d[i]) continue;
        const slot = i % SLOTS;
        this.inc(
          { transport: TRANSPORTS[Math.floor(i / SLOTS)]!, rcode: slot === DROPPED ? "dropped" : String(slot) },
          d[i],
        );
      }
    },
  });
}
