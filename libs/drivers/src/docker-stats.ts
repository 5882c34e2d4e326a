/** Turns one Docker stats sample into Tugboat's usage figures (the same arithmetic as `docker stats`). */
import type { Usage } from "./types.js";

/** The CPU part of a stats sample (cgroup v1 and v2 engines both fill these). */
export interface CpuSample {
  cpu_usage: { total_usage: number; percpu_usage?: number[] | null };
  system_cpu_usage?: number;
  online_cpus?: number;
}

/** The fields of `GET /containers/{id}/stats?stream=false` that usage reads. */
export interface StatsSample {
  cpu_stats: CpuSample;
  precpu_stats?: Partial<CpuSample> | null;
  memory_stats: { usage?: number; stats?: Record<string, number> | null };
}

/**
 * CPU percent between two samples: container CPU delta / host CPU delta × online CPUs × 100 (100 = one full core).
 * 0 when either delta is unknown or not positive (the first sample).
 */
export function cpuPercent(cur: CpuSample, prev: Partial<CpuSample> | null | undefined): number {
  const cpuDelta = cur.cpu_usage.total_usage - (prev?.cpu_usage?.total_usage ?? NaN);
  const sysDelta = (cur.system_cpu_usage ?? NaN) - (prev?.system_cpu_usage ?? NaN);
  if (!(cpuDelta >= 0) || !(sysDelta > 0)) return 0;
  const cpus = cur.online_cpus || cur.cpu_usage.percpu_usage?.length || 1;
  return (cpuDelta / sysDelta) * cpus * 100;
}

/** Memory in use without reclaimable page cache (cgroup v2 `inactive_file`, v1 `total_inactive_file`, else `cache`). */
export function memoryBytes(m: StatsSample["memory_stats"]): number {
  const usage = m.usage ?? 0;
  const s = m.stats ?? {};
  const cache = s.inactive_file ?? s.total_inactive_file ?? s.cache ?? 0;
  return Math.max(0, usage - (cache <= usage ? cache : 0));
}

/** Usage from one sample; `prev` (our own earlier sample) stands in when the engine sent no `precpu_stats`. */
export function usageFromStats(s: StatsSample, prev?: CpuSample): Usage {
  const pre = s.precpu_stats?.system_cpu_usage ? s.precpu_stats : prev;
  return { cpuPercent: cpuPercent(s.cpu_stats, pre), memoryBytes: memoryBytes(s.memory_stats) };
}
