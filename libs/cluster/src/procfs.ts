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

/** True while `pid` exists (including processes we may not signal). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== "ESRCH";
  }
}
