import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Template } from "@tug/contracts";
import { silentLogger } from "@tug/log";
import { bareTemplate } from "@tug/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { isAlive } from "./proc-stats.js";
import { ProcessDriver } from "./process.js";
import { writeState } from "./state-file.js";
import type { ExitEvent, ReplicaSpec } from "./types.js";

const dir = mkdtempSync(join(tmpdir(), "tug-procdrv-"));
const started: number[] = [];
const template = (command: string[]): Template => bareTemplate({ command });
const spec = (id: string, command: string[]): ReplicaSpec => ({
  id,
  deployment: "default/t",
  revision: 1,
  node: "n1",
  hostPort: 45_000,
  template: template(command),
  env: { TUG_REPLICA_ID: id, HELLO: "world" },
});
const driver = (node = "n1") =>
  new ProcessDriver({ node, dataDir: dir, workdir: dir, log: silentLogger(), pollMs: 50 });

afterAll(() => {
  for (const pid of started) {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, "SIGKILL");
      } catch {
        /* gone, or not a group leader */
      }
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

describe("process driver", () => {
  it("runs argv without a shell, with the replica env, logging to logs/<replica>.log, and reports the exit", async () => {
    const d = driver();
    const exits: ExitEvent[] = [];
    d.onExit((e) => exits.push(e));
    const h = await d.start(spec("echo1", ["sh", "-c", "echo hi $HELLO; exit 3"]));
    started.push(h.pid!);
    await waitFor(() => exits.length === 1);
    expect(exits[0]).toMatchObject({ code: 3, handle: h, message: "last output: hi world" });
    expect(readFileSync(join(dir, "logs", "echo1.log"), "utf8")).toContain("hi world");
    await d.close();
  });

  it("a missing binary rejects with StartError", async () => {
    const d = driver();
    await expect(d.start(spec("nope", ["/no/such/binary"]))).rejects.toMatchObject({
      reason: "StartError",
      permanent: false,
    });
    await d.close();
  });

  it("refuses, permanently, a replica that asks for a read-only root filesystem (it could not enforce it)", async () => {
    const s = {
      ...spec("ro", ["sleep", "5"]),
      template: { ...template(["sleep", "5"]), readOnlyRootFilesystem: true },
    };
    await expect(driver().start(s as ReplicaSpec)).rejects.toMatchObject({ reason: "Unenforceable", permanent: true });
  });

  it("stop sends SIGTERM to the group, then SIGKILL after the grace period; it is idempotent", async () => {
    const d = driver();
    const h = await d.start(spec("stubborn", ["sh", "-c", "trap '' TERM; sleep 30 & wait; sleep 30"]));
    started.push(h.pid!);
    await new Promise((r) => setTimeout(r, 300)); // let sh install its trap first
    const t0 = Date.now();
    await d.stop(h, 300);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(await isAlive(h.pid!)).toBe(false);
    await d.stop(h, 300);
    await d.close();
  });

  it("persists what it started and a new instance adopts live replicas (and sees them exit)", async () => {
    const d1 = driver("adopt");
    const h = await d1.start(spec("keep", ["sleep", "30"]));
    started.push(h.pid!);
    const state = JSON.parse(readFileSync(join(dir, "worker-adopt.json"), "utf8"));
    expect(state.keep).toMatchObject({ pid: h.pid, hostPort: 45_000, revision: 1, deployment: "default/t" });
    await d1.close();

    const d2 = driver("adopt");
    const adopted = await d2.recover();
    expect(adopted).toEqual([expect.objectContaining({ replicaId: "keep", pid: h.pid, adopted: true })]);
    const exits: ExitEvent[] = [];
    d2.onExit((e) => exits.push(e));
    process.kill(h.pid!, "SIGKILL");
    await waitFor(() => exits.length === 1);
    expect(exits[0]!.handle).toBe(adopted[0]);
    expect(JSON.parse(readFileSync(join(dir, "worker-adopt.json"), "utf8"))).toEqual({});
    await d2.close();
  });

  it("keeps a replica's disconnect.stopAfterSeconds in its record, so the instance that adopts it has it", async () => {
    const d1 = driver("guarded");
    const s = spec("guarded", ["sleep", "30"]);
    const h = await d1.start({ ...s, template: { ...s.template, disconnect: { stopAfterSeconds: 4 } } });
    started.push(h.pid!);
    expect(h.stopAfterSeconds).toBe(4);
    await d1.close();
    const adopted = await driver("guarded").recover();
    expect(adopted).toEqual([expect.objectContaining({ replicaId: "guarded", adopted: true, stopAfterSeconds: 4 })]);
    process.kill(h.pid!, "SIGKILL");
  });

  it("never adopts a pid whose environment does not name the replica (recycled pid)", async () => {
    const other = execFileSync("sh", ["-c", "sleep 30 >/dev/null 2>&1 & echo $!"]).toString().trim();
    started.push(Number(other));
    writeState(join(dir, "worker-recycled.json"), {
      ghost: { pid: Number(other), hostPort: 45_001, revision: 1, deployment: "default/t", startedAt: 1 },
    });
    const d = driver("recycled");
    expect(await d.recover()).toEqual([]);
    expect(existsSync(join(dir, "worker-recycled.json"))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, "worker-recycled.json"), "utf8"))).toEqual({});
    await d.close();
  });

  it("reports usage of a running replica", async () => {
    const d = driver();
    const h = await d.start(spec("busy", ["sleep", "30"]));
    started.push(h.pid!);
    const u = await d.usage(h);
    expect(u!.memoryBytes).toBeGreaterThan(0);
    expect(u!.cpuPercent).toBeGreaterThanOrEqual(0);
    await d.stop(h, 1_000);
    expect(await d.usage(h)).toBeUndefined();
    await d.close();
  });
});

async function waitFor(cond: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
