/** Small, non-throwing views of other processes (Linux /proc and signal 0). */
import { readFileSync } from "node:fs";

/** The environment of `pid` as `KEY=value` strings; empty when it cannot be read (gone, or no /proc). */
export function readEnviron(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
  } catch {
    return [];
  }
}

/** The parent PID of `pid` from /proc (undefined when it cannot be read). */
export function parentPid(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * True while `pid` runs (including processes we may not signal). A zombie (exited, not yet reaped by its parent, e.g.
 * a replica reparented to an init that reaps late) does not run and counts as gone.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== "ESRCH";
  }
  return !isZombie(pid);
}

/** True when /proc shows `pid` in state Z (the field after the parenthesised command name). */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z";
  } catch {
    return false;
  }
}
