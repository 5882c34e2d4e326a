import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isAlive, parentPid } from "./procfs.js";

describe("procfs", () => {
  it("a running process is alive; a zombie (exited, not reaped) and a missing pid are not", async () => {
    // sh forks `true`, then becomes `sleep 3`, which never reaps it: a zombie for 3 s
    const parent = spawn("sh", ["-c", "true & exec sleep 3"], { stdio: "ignore" });
    await new Promise((r) => setTimeout(r, 300));
    const children = readFileSync(`/proc/${parent.pid}/task/${parent.pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
    expect(children).toHaveLength(1);
    expect(readFileSync(`/proc/${children[0]}/stat`, "utf8")).toMatch(/\) Z /);
    expect(isAlive(parent.pid!)).toBe(true);
    expect(isAlive(children[0]!)).toBe(false);
    parent.kill("SIGKILL");
    expect(isAlive(2 ** 22 + 12_345)).toBe(false);
  });

  it("reads a process's parent (how tug chaos recognises a redis-server, which overwrites its environment)", () => {
    const child = spawn("sleep", ["3"], { stdio: "ignore" });
    expect(parentPid(child.pid!)).toBe(process.pid);
    expect(parentPid(process.pid)).toBe(process.ppid);
    child.kill("SIGKILL");
    expect(parentPid(2 ** 22 + 12_345)).toBeUndefined();
  });
});
