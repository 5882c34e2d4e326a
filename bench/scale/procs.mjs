// CPU-seconds and peak RSS of a cluster's processes, read from /proc (Linux): utime + stime of /proc/<pid>/stat in
// clock ticks, and VmHWM of /proc/<pid>/status. Figures are per process, so a shared machine's load does not skew them.
import { readFileSync } from "node:fs";

const TICKS = 100; // USER_HZ on Linux

/** CPU-seconds used so far by `pid` (undefined when it is gone). */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / TICKS;
  } catch {
    return undefined;
  }
}

/** Peak resident set (MB) of `pid` (undefined when it is gone). */
export function peakRssMb(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/** Control-plane components (and hollow/worker processes) of a cluster, by name → pid. */
export function pidsOf(
  cluster,
  roles = ["controller", "scheduler", "health-monitor", "registry", "proxy", "autoscaler", "hollow", "redis", "nats"],
) {
  const out = new Map();
  for (const c of cluster.components)
    if (c.pid && roles.some((r) => c.role === r || c.name.startsWith(r))) out.set(c.name, c.pid);
  return out;
}

/** Starts a CPU window over `pids`; `end()` returns name → { cpuS, peakRssMb } for the window. */
export function cpuWindow(pids) {
  const start = new Map([...pids].map(([n, pid]) => [n, cpuSeconds(pid) ?? 0]));
  const t0 = Date.now();
  return {
    end() {
      const wallS = (Date.now() - t0) / 1000;
      const out = {};
      for (const [n, pid] of pids) {
        const cpuS = +((cpuSeconds(pid) ?? 0) - start.get(n)).toFixed(2);
        out[n] = { cpuS, coreShare: +(cpuS / wallS).toFixed(3), peakRssMb: peakRssMb(pid) };
      }
      return { wallS: +wallS.toFixed(1), procs: out };
    },
  };
}
