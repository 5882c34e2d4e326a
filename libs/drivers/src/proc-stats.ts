/** Reading Linux /proc for the process driver: liveness (zombies count as dead), environment, CPU and memory. */
import { readFile } from "node:fs/promises";

/** Clock ticks per second for /proc/<pid>/stat times (USER_HZ; 100 on every mainstream Linux build). */
const CLK_TCK = 100;

/** Fields of /proc/<pid>/stat that we use. */
export interface ProcStat {
  /** Process state letter (R, S, D, Z, T, ...). */
  state: string;
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
}

/** Parses the text of /proc/<pid>/stat (the command name may hold spaces and parentheses). */
export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(")");
  if (close < 0) return undefined;
  const rest = text.slice(close + 2).split(" ");
  // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!rest[0] || !Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return { state: rest[0], cpuTicks: utime + stime };
}

/** Reads /proc/<pid>/stat, or undefined when the process is gone. */
export async function readProcStat(pid: number): Promise<ProcStat | undefined> {
  try {
    return parseProcStat(await readFile(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return undefined;
  }
}

/** Resident memory from /proc/<pid>/status (VmRSS), in bytes; undefined when gone. */
export async function readRssBytes(pid: number): Promise<number | undefined> {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(await readFile(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return undefined;
  }
}

/** The environment of `pid` from /proc/<pid>/environ as NAME=value strings ([] when unreadable). */
export async function readEnviron(pid: number): Promise<string[]> {
  try {
    return (await readFile(`/proc/${pid}/environ`, "utf8")).split("\0").filter(Boolean);
  } catch {
    return [];
  }
}

/** True when `pid` exists and is not a zombie. */
export async function isAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  const stat = await readProcStat(pid);
  return stat !== undefined && stat.state !== "Z" && stat.state !== "X";
}

/** Turns successive CPU-tick samples per pid into a percentage of one core. */
export class CpuSampler {
  private readonly last = new Map<number, { ticks: number; at: number }>();

  /** Percent of one core used by `pid` since the previous call (0 on the first call); undefined when gone. */
  async sample(pid: number, now = Date.now()): Promise<number | undefined> {
    const stat = await readProcStat(pid);
    if (!stat) {
      this.last.delete(pid);
      return undefined;
    }
    return this.record(pid, stat.cpuTicks, now);
  }

  /** Records a tick count taken at `now` and returns the percentage since the previous one. */
  record(pid: number, ticks: number, now: number): number {
    const prev = this.last.get(pid);
    this.last.set(pid, { ticks, at: now });
    if (!prev || now <= prev.at || ticks < prev.ticks) return 0;
    return (((ticks - prev.ticks) / CLK_TCK) * 1000 * 100) / (now - prev.at);
  }

  /** Forgets a pid. */
  forget(pid: number): void {
    this.last.delete(pid);
  }
}
