/**
 * Usage samples from workers (per replica cpu, latest) and the proxy (per service rps and connections, averaged
 * over the last `trafficWindowMs` so one bursty 2 s sample cannot add replicas), kept in memory with their age;
 * samples older than `maxAgeMs` are ignored.
 */
import { metricsSchema, validate } from "@tug/contracts";
import { z } from "zod";

const proxyMetricsSchema = z.object({
  services: z
    .array(z.object({ id: z.string().max(253), rps: z.number().min(0), connections: z.number().min(0) }))
    .max(10_000),
});

/** The autoscaler's in-memory view of recent usage. */
export class MetricsBook {
  private readonly cpu = new Map<string, { percent: number; at: number }>();
  private readonly traffic = new Map<string, Array<{ rps: number; connections: number; at: number }>>();
  constructor(
    private readonly maxAgeMs = 15_000,
    private readonly trafficWindowMs = 6_000,
  ) {}

  /** Records a worker's `node.<id>.metrics` body (validated). */
  addNodeMetrics(body: unknown, now = Date.now()): void {
    const m = validate(metricsSchema, body, "metrics");
    for (const r of m.replicas) this.cpu.set(r.id, { percent: r.cpuPercent, at: now });
  }

  /** Records the proxy's traffic figures (validated). */
  addProxyMetrics(body: unknown, now = Date.now()): void {
    const m = validate(proxyMetricsSchema, body, "proxy metrics");
    for (const s of m.services) {
      const kept = (this.traffic.get(s.id) ?? []).filter((x) => now - x.at < this.trafficWindowMs);
      kept.push({ rps: s.rps, connections: s.connections, at: now });
      this.traffic.set(s.id, kept);
    }
  }

  /** Average cpu of `replicas` as % of the request `cpuMillis`; undefined without fresh samples. */
  cpuUtilization(replicas: string[], cpuMillis: number, now = Date.now()): number | undefined {
    const fresh = replicas.map((id) => this.cpu.get(id)).filter((s) => s && now - s.at <= this.maxAgeMs) as Array<{
      percent: number;
    }>;
    if (fresh.length === 0 || cpuMillis <= 0) return undefined;
    const avgMillis = (fresh.reduce((a, s) => a + s.percent, 0) / fresh.length) * 10;
    return (avgMillis / cpuMillis) * 100;
  }

  /** Per-replica rps or connections of a service (window average); undefined without a fresh sample. */
  perReplica(id: string, metric: "rps" | "connections", ready: number, now = Date.now()): number | undefined {
    const all = this.traffic.get(id) ?? [];
    const latest = all[all.length - 1];
    if (!latest || now - latest.at > this.maxAgeMs || ready === 0) return undefined;
    const window = all.filter((x) => latest.at - x.at < this.trafficWindowMs);
    return window.reduce((a, x) => a + x[metric], 0) / window.length / ready;
  }

  /** Drops samples of replicas that no longer exist. */
  prune(now = Date.now()): void {
    for (const [id, s] of this.cpu) if (now - s.at > this.maxAgeMs) this.cpu.delete(id);
    for (const [id, s] of this.traffic) if (now - s[s.length - 1]!.at > this.maxAgeMs) this.traffic.delete(id);
  }
}
