/**
 * disconnect.stopAfterSeconds on the worker: cut-off replicas stop by themselves and come back only when assigned
 * again.
 */
import type { Assignment } from "@tug/contracts";
import { FakeDriver } from "@tug/drivers";
import { describe, expect, it } from "vitest";
import { ContactClock, contactRecheckMs } from "./disconnect.js";
import { assignment, managerOn, plainTemplate } from "./manager.fixture.js";

const a = (id: string, stopAfterSeconds?: number): Assignment =>
  assignment(
    id,
    stopAfterSeconds === undefined ? plainTemplate : { ...plainTemplate, disconnect: { stopAfterSeconds } },
  );
const tick = () => new Promise((r) => setTimeout(r, 5));

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await tick();
}

describe("disconnect.stopAfterSeconds (worker)", () => {
  it("the contact clock counts from the last answered sync", () => {
    let now = 1_000;
    const c = new ContactClock(() => now);
    now += 700;
    expect(c.offlineMs()).toBe(700);
    c.reached();
    now += 50;
    expect(c.offlineMs()).toBe(50);
  });

  it("a node with such replicas syncs three times per shortest stopAfterSeconds, so in touch it never looks cut off", async () => {
    const driver = new FakeDriver();
    const m = managerOn(driver, 40_200);
    expect(contactRecheckMs(m.shortestStopAfterMs())).toBeUndefined();
    await m.apply({ assignments: [a("keep"), a("single", 2), a("other", 30)], malformed: [] });
    expect(m.shortestStopAfterMs()).toBe(2_000);
    expect(contactRecheckMs(m.shortestStopAfterMs())).toBe(666);
    expect(contactRecheckMs(60)).toBe(100);
  });

  it("stops only the replicas that ask for it, only once cut off that long, and restarts them on the next sync", async () => {
    const driver = new FakeDriver();
    const m = managerOn(driver, 40_000);
    driver.onExit((e) => m.onExit(e));
    await m.apply({ assignments: [a("keep"), a("single", 2)], malformed: [] });
    await until(() => driver.runningIds().length === 2);

    expect(m.stopCutOff(1_999)).toEqual([]);
    expect(m.stopCutOff(2_000)).toEqual(["single"]);
    await until(() => driver.runningIds().length === 1);
    expect(driver.runningIds()).toEqual(["keep"]);
    expect(m.get("single")).toMatchObject({ phase: "Stopped", ready: false, cutOff: true });
    expect(m.stopCutOff(60_000)).toEqual([]);

    await m.apply({ assignments: [a("keep"), a("single", 2)], malformed: [] });
    await until(() => driver.runningIds().length === 2);
    expect(driver.runningIds().sort()).toEqual(["keep", "single"]);
  });

  it("a replaced copy (no longer assigned) is forgotten, not restarted", async () => {
    const driver = new FakeDriver();
    const m = managerOn(driver, 40_100);
    driver.onExit((e) => m.onExit(e));
    await m.apply({ assignments: [a("single", 1)], malformed: [] });
    await until(() => driver.runningIds().length === 1);
    m.stopCutOff(5_000);
    await until(() => driver.runningIds().length === 0);
    await m.apply({ assignments: [], malformed: [] });
    expect(m.get("single")).toBeUndefined();
    expect(driver.runningIds()).toEqual([]);
  });

  it("a worker restarted while cut off guards the copies it adopted, with the setting they were started with", async () => {
    const before = new FakeDriver();
    const started = await Promise.all(
      [a("guarded", 3), a("plain")].map((x) =>
        before.start({
          id: x.replica.id,
          deployment: x.replica.deployment,
          revision: x.replica.revision,
          node: "n1",
          hostPort: 41_000,
          template: x.template,
          env: {},
        }),
      ),
    );
    expect(started.map((h) => h.stopAfterSeconds)).toEqual([3, undefined]);
    // the restarted worker adopts them (what driver.recover() hands over) and has had no answered sync since
    const m = managerOn(before, 41_100);
    m.adopt(started.map((h) => ({ ...h, adopted: true })));
    expect(m.shortestStopAfterMs()).toBe(3_000);
    expect(m.stopCutOff(2_999)).toEqual([]);
    expect(m.stopCutOff(3_000)).toEqual(["guarded"]);
    await until(() => before.runningIds().length === 1);
    expect(before.runningIds()).toEqual(["plain"]);
  });
});
