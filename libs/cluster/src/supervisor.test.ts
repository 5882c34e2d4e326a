import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Supervisor, type SupervisorEvent } from "./supervisor.js";

const node = (code: string) => ({ cmd: process.execPath, args: ["-e", code] });
const FOREVER = "setInterval(() => {}, 1000); console.log('up ' + process.pid)";
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw e;
  }
};
const until = async (f: () => boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
};

let sup: Supervisor | undefined;
afterEach(async () => {
  await sup?.stop();
  sup = undefined;
});

describe("Supervisor", () => {
  it("restarts a child that dies, with growing backoff", async () => {
    const events: SupervisorEvent[] = [];
    sup = new Supervisor({ onEvent: (e) => events.push(e), restart: { baseMs: 50, capMs: 1_000 } });
    sup.spawn({ name: "crashy", cmd: "sh", args: ["-c", "exit 3"] });
    await until(() => events.filter((e) => e.type === "restart-scheduled").length >= 4);
    const delays = events.flatMap((e) => (e.type === "restart-scheduled" ? [e.delayMs] : [])).slice(0, 4);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThan(delays[i - 1]!);
    expect(delays[0]).toBeLessThanOrEqual(60);
    expect(sup.get("crashy").restarts).toBeGreaterThanOrEqual(3);
  });

  it("keeps a killed child down while its hold lasts, and restarts it once the hold is lifted", async () => {
    let holdUntil = Date.now() + 60_000;
    sup = new Supervisor({ restart: { baseMs: 20 }, holdUntil: () => holdUntil });
    const first = sup.spawn({ name: "held", ...node(FOREVER) }).pid!;
    sup.kill("held", "SIGKILL");
    await until(() => !alive(first));
    await new Promise((r) => setTimeout(r, 600));
    expect(sup.get("held").running).toBe(false);
    holdUntil = 0;
    await until(() => sup!.get("held").running);
    expect(sup.get("held").restarts).toBe(1);
  });

  it("uses a child's own restart policy over the supervisor's", async () => {
    const events: SupervisorEvent[] = [];
    sup = new Supervisor({ onEvent: (e) => events.push(e), restart: { baseMs: 2_000 } });
    sup.spawn({ name: "quick", cmd: "sh", args: ["-c", "exit 3"], restart: { baseMs: 20 } });
    await until(() => events.filter((e) => e.type === "restart-scheduled").length >= 2);
    const delays = events.flatMap((e) => (e.type === "restart-scheduled" ? [e.delayMs] : []));
    expect(delays[0]).toBeLessThanOrEqual(30);
  });

  it("runs afterStart after the first start and after every restart, and notes its failure in the log", async () => {
    const pids: Array<number | undefined> = [];
    const logDir = mkdtempSync(join(tmpdir(), "tug-sup-"));
    sup = new Supervisor({ restart: { baseMs: 20 }, logDir });
    const afterStart = async () => {
      pids.push(sup!.get("tuned").pid);
      throw new Error("not tuned");
    };
    const first = sup.spawn({ name: "tuned", ...node(FOREVER), afterStart }).pid!;
    await until(() => pids.length === 1);
    expect(pids[0]).toBe(first);
    sup.kill("tuned", "SIGKILL");
    await until(() => pids.length === 2);
    expect(pids[1]).not.toBe(first);
    expect(sup.get("tuned").pid).toBe(pids[1]);
    await sup.stop();
    expect(readFileSync(join(logDir, "tuned.log"), "utf8")).toContain("after start: Error: not tuned");
    rmSync(logDir, { recursive: true, force: true });
  });

  it("runs beforeRestart before a restart (not before the first start) and restarts only once it resolved", async () => {
    const calls: number[] = [];
    let release: () => void = () => {};
    sup = new Supervisor({ restart: { baseMs: 20 } });
    const beforeRestart = (note: (line: string) => void) => {
      calls.push(Date.now());
      note("preparing");
      return new Promise<void>((r) => {
        release = r;
      });
    };
    const first = sup.spawn({ name: "prepared", ...node(FOREVER), beforeRestart }).pid!;
    expect(calls).toHaveLength(0);
    sup.kill("prepared", "SIGKILL");
    await until(() => calls.length === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(sup.get("prepared").running).toBe(false);
    release();
    await until(() => sup!.get("prepared").running);
    expect(sup.get("prepared").pid).not.toBe(first);
    expect(calls).toHaveLength(1);
  });

  it("SIGKILL → restarted with a new pid; SIGSTOP/SIGCONT pass through", async () => {
    sup = new Supervisor({ restart: { baseMs: 20 } });
    const first = sup.spawn({ name: "svc", ...node(FOREVER) }).pid!;
    expect(sup.kill("svc", "SIGSTOP")).toBe(true);
    expect(sup.kill("svc", "SIGCONT")).toBe(true);
    expect(sup.get("svc").pid).toBe(first);
    sup.kill("svc", "SIGKILL");
    await until(() => sup!.get("svc").running && sup!.get("svc").pid !== first);
    expect(alive(first)).toBe(false);
    expect(sup.get("svc").restarts).toBe(1);
    const second = sup.get("svc").pid!;
    const again = await sup.restart("svc");
    expect(again.running).toBe(true);
    expect(again.pid).not.toBe(second);
    expect(alive(second)).toBe(false);
  });

  it("captures output lines with the child's name", async () => {
    const lines: string[] = [];
    sup = new Supervisor({ onLine: (n, l, s) => lines.push(`${n}:${s}:${l}`) });
    sup.spawn({ name: "talker", ...node("console.log('a\\nb'); console.error('c'); setInterval(() => {}, 1000)") });
    await until(() => lines.length >= 3);
    expect(lines.sort()).toEqual(["talker:stderr:c", "talker:stdout:a", "talker:stdout:b"]);
  });

  it("stop() ends everything (also stopped and SIGTERM-ignoring children), tier by tier, and restarts nothing", async () => {
    const order: string[] = [];
    sup = new Supervisor({
      stopTimeoutMs: 500,
      onEvent: (e) => {
        if (e.type === "exit") order.push(e.name);
      },
    });
    const pids = [
      sup.spawn({ name: "infra", tier: 2, ...node(FOREVER) }).pid!,
      sup.spawn({ name: "worker", tier: 0, ...node(FOREVER) }).pid!,
      sup.spawn({ name: "stubborn", tier: 1, ...node("process.on('SIGTERM', () => {}); " + FOREVER) }).pid!,
      sup.spawn({ name: "paused", tier: 1, ...node(FOREVER) }).pid!,
    ];
    await new Promise((r) => setTimeout(r, 300));
    sup.kill("paused", "SIGSTOP");
    await sup.stop();
    for (const pid of pids) expect(alive(pid)).toBe(false);
    expect(order[0]).toBe("worker");
    expect(order.at(-1)).toBe("infra");
    expect(sup.list().every((c) => !c.running)).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(sup.list().every((c) => !c.running)).toBe(true);
  });

  it("validates names and refuses duplicates", () => {
    sup = new Supervisor();
    expect(() => sup!.spawn({ name: "bad name", cmd: "true" })).toThrow(/invalid child name/);
    sup.spawn({ name: "one", ...node(FOREVER) });
    expect(() => sup!.spawn({ name: "one", cmd: "true" })).toThrow(/already exists/);
    expect(() => sup!.kill("nope")).toThrow(/no child named/);
  });

  it("a command that cannot start is retried, and stop() still returns", async () => {
    const events: SupervisorEvent[] = [];
    sup = new Supervisor({ onEvent: (e) => events.push(e), restart: { baseMs: 20 } });
    sup.spawn({ name: "ghost", cmd: "/nonexistent/binary" });
    await until(() => events.filter((e) => e.type === "restart-scheduled").length >= 2);
    await sup.stop();
  });
});
