import type { Assignment } from "@tug/contracts";
import { FakeDriver } from "@tug/drivers";
import { silentLogger } from "@tug/log";
import { describe, expect, it } from "vitest";
import type { ParsedSync } from "./assignments.js";
import { assignment, managerOn, plainTemplate } from "./manager.fixture.js";

const template = plainTemplate;
const a = (
  id: string,
  desired: "run" | "stop" = "run",
  restartPolicy: "Always" | "OnFailure" | "Never" = "Always",
): Assignment => assignment(id, { ...template, restartPolicy }, desired);
const sync = (...assignments: Assignment[]): ParsedSync => ({ assignments, malformed: [] });
const tick = () => new Promise((r) => setTimeout(r, 5));

function setup(orphanGraceMs = 1_000, drainDelayMs = 0) {
  const driver = new FakeDriver();
  let now = 1_000_000;
  const m = managerOn(driver, 40_000, { orphanGraceMs, drainDelayMs, now: () => now });
  driver.onExit((e) => m.onExit(e));
  return {
    driver,
    m,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe("replica manager (diff assignments vs running)", () => {
  it("starts what should run, each with its own port, ready at once on the fake driver", async () => {
    const { driver, m } = setup();
    await m.apply(sync(a("r1"), a("r2")));
    await tick();
    expect(driver.runningIds().sort()).toEqual(["r1", "r2"]);
    const snap = m.snapshot();
    expect(snap.map((s) => [s.id, s.phase, s.ready])).toEqual([
      ["r1", "Running", true],
      ["r2", "Running", true],
    ]);
    expect(new Set(snap.map((s) => s.hostPort)).size).toBe(2);
  });

  it("applying the same list twice changes nothing", async () => {
    const { driver, m } = setup();
    await m.apply(sync(a("r1")));
    await tick();
    const before = m.snapshot();
    await m.apply(sync(a("r1")));
    await tick();
    expect(m.snapshot()).toEqual(before);
    expect(driver.runningIds()).toEqual(["r1"]);
  });

  it("drains a desired=stop replica: not ready at once, SIGTERM only after the drain delay", async () => {
    const { driver, m } = setup(1_000, 300);
    await m.apply(sync(a("r1")));
    await tick();
    const asked = Date.now();
    await m.apply(sync(a("r1", "stop")));
    await tick();
    expect(m.snapshot()[0]).toMatchObject({ phase: "Running", ready: false });
    expect(driver.runningIds()).toEqual(["r1"]);
    while (driver.runningIds().length > 0 && Date.now() - asked < 5_000) await tick();
    expect(Date.now() - asked).toBeGreaterThanOrEqual(290);
    expect(m.snapshot()[0]).toMatchObject({ phase: "Stopped", ready: false });
  });

  it("stops desired=stop replicas and reports them Stopped while listed, then forgets them", async () => {
    const { driver, m } = setup();
    await m.apply(sync(a("r1"), a("r2")));
    await tick();
    await m.apply(sync(a("r1"), a("r2", "stop")));
    await tick();
    expect(driver.runningIds()).toEqual(["r1"]);
    expect(m.snapshot().find((s) => s.id === "r2")).toMatchObject({ phase: "Stopped", ready: false });
    await m.apply(sync(a("r1")));
    expect(m.snapshot().map((s) => s.id)).toEqual(["r1"]);
  });

  it("reports a never-seen desired=stop assignment as Stopped without starting it", async () => {
    const { driver, m } = setup();
    await m.apply(sync(a("r9", "stop")));
    await tick();
    expect(driver.runningIds()).toEqual([]);
    expect(m.snapshot()).toEqual([expect.objectContaining({ id: "r9", phase: "Stopped", ready: false })]);
  });

  it("stops an unclaimed replica only after the orphan grace period", async () => {
    const { driver, m, advance } = setup(1_000);
    await m.apply(sync(a("r1"), a("r2")));
    await tick();
    const r = await m.apply(sync(a("r1")));
    expect(r.recheckInMs).toBe(1_000);
    advance(500);
    await m.apply(sync(a("r1")));
    await tick();
    expect(driver.runningIds().sort()).toEqual(["r1", "r2"]);
    advance(600);
    await m.apply(sync(a("r1")));
    await tick();
    expect(driver.runningIds()).toEqual(["r1"]);
    expect(m.snapshot().map((s) => s.id)).toEqual(["r1"]);
  });

  it("a replica that reappears within the grace period keeps running", async () => {
    const { driver, m, advance } = setup(1_000);
    await m.apply(sync(a("r1")));
    await tick();
    await m.apply(sync());
    advance(900);
    await m.apply(sync(a("r1")));
    advance(900);
    await m.apply(sync(a("r1")));
    await tick();
    expect(driver.runningIds()).toEqual(["r1"]);
  });

  it("keeps a replica whose entry was malformed", async () => {
    const { driver, m, advance } = setup(1_000);
    await m.apply(sync(a("r1")));
    await tick();
    advance(5_000);
    await m.apply({ assignments: [], malformed: [{ id: "r1", error: "bad" }] });
    await tick();
    expect(driver.runningIds()).toEqual(["r1"]);
  });

  it("restarts a crashed replica (Always) and counts it; Never ends Failed / Succeeded", async () => {
    const { driver, m } = setup();
    await m.apply(sync(a("r1"), a("r2", "run", "Never"), a("r3", "run", "Never")));
    await tick();
    driver.crash("r1", 1);
    driver.crash("r2", 3);
    driver.crash("r3", 0);
    await tick();
    const by = Object.fromEntries(m.snapshot().map((s) => [s.id, s]));
    expect(by.r1).toMatchObject({ phase: "Running", restarts: 1, exitCode: 1 });
    expect(by.r2).toMatchObject({ phase: "Failed", restarts: 0, exitCode: 3 });
    expect(by.r3).toMatchObject({ phase: "Succeeded", exitCode: 0 });
    driver.crash("r1", 1);
    await tick();
    expect(m.get("r1")!.status()).toMatchObject({ phase: "CrashLoopBackOff", restarts: 2, ready: false });
    await new Promise((r) => setTimeout(r, 300));
    expect(m.get("r1")!.status()).toMatchObject({ phase: "Running", restarts: 2 });
  });

  it("a template without command fails with NoCommand on a real process driver", async () => {
    const { ProcessDriver } = await import("@tug/drivers");
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(`${tmpdir()}/tug-nocmd-`);
    const driver = new ProcessDriver({ node: "n1", dataDir: dir, workdir: dir, log: silentLogger() });
    const m = managerOn(driver, 40_100, { workdir: dir });
    const { command: _omit, ...noCommand } = template;
    await m.apply(sync({ replica: a("r1").replica, template: noCommand }));
    await tick();
    expect(m.get("r1")!.status()).toMatchObject({ phase: "Failed", reason: "NoCommand", ready: false });
    await driver.close();
  });
});
