/**
 * Fencing end to end for the roles that race instead of holding a lease: a controller or a scheduler that made a
 * plan, was SIGSTOPped while holding it, and was SIGCONTed after another instance moved the state on, changes
 * nothing. TUG_CONTROLLER_HOLD_MS / TUG_SCHEDULER_HOLD_MS hold every plan 2 s before it is written, so the test can
 * pause the instance right there (the autoscaler's lease case is in fencing.sys.test.ts).
 *
 * The controller's case is an ABA on the replica count: the stale plan creates 4 replicas against 2 records; by the
 * time it resumes the deployment went 2 → 6 → 2 and has 2 records again, so only the plan's deployment generation
 * (checked in the create's Lua) can refuse it.
 */
import { startSystem, eventually, type TestSystem } from "@tug/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectCount, intake, readyReplicas } from "./helpers.js";

const lines: Array<{ component: string; line: string }> = [];

/** Parsed log lines with message `msg` from component instances of `role`, from line `from` on. */
function logged(role: string, msg: string, from = 0): Array<{ component: string; fields: Record<string, unknown> }> {
  return lines
    .slice(from)
    .filter((l) => l.component.startsWith(`${role}-`) && l.line.includes(`"msg":"${msg}"`))
    .map((l) => ({ component: l.component, fields: JSON.parse(l.line) as Record<string, unknown> }));
}

/** The first instance of `role` that logs a held plan matching `match` (from line `from` on); it is SIGSTOPped. */
async function pauseHolder(
  sys: TestSystem,
  role: string,
  from: number,
  match: (f: Record<string, unknown>) => boolean,
): Promise<string> {
  const stale = await eventually(
    async () => {
      const held = logged(role, "holding plan", from).find((l) => match(l.fields));
      if (!held) throw new Error(`no ${role} holds a plan yet`);
      return held.component;
    },
    { timeoutMs: 20_000, intervalMs: 20, what: `a ${role} holding its plan` },
  );
  expect(sys.cluster.kill(stale, "SIGSTOP")).toBe(true);
  return stale;
}

describe("fencing: stale controllers and schedulers", () => {
  let sys: TestSystem;

  beforeAll(async () => {
    sys = await startSystem({
      nodes: 2,
      replicasPerComponent: 2,
      onLine: (component, line) => lines.push({ component, line }),
      env: { TUG_CONTROLLER_HOLD_MS: "2000", TUG_SCHEDULER_HOLD_MS: "2000" },
    });
  }, 60_000);
  afterAll(async () => {
    await sys?.stop();
  }, 60_000);

  it("a controller resumed with a plan from an older generation creates nothing", async () => {
    const ID = "default/web";
    const manifest = { name: "web", command: ["x"], resources: { cpu: 0.01, memory: "1Mi" } };
    await intake(sys.bus, "apply", { ...manifest, replicas: 2 });
    const ready = (n: number) => async () => expectCount("ready", (await readyReplicas(sys.store, ID)).length, n);
    await eventually(ready(2), { timeoutMs: 30_000, what: "2 ready" });

    const from = lines.length;
    await intake(sys.bus, "scale", { name: "web", replicas: 6 });
    const stale = await pauseHolder(sys, "controller", from, (f) => f.deployment === ID && f.create === 4);
    try {
      // the other instance carries the scale out, then the scale back; the retired copies' records go
      await eventually(ready(6), { timeoutMs: 40_000, what: "6 ready (the other controller)" });
      await intake(sys.bus, "scale", { name: "web", replicas: 2 });
      const records = async () => expectCount("records", (await sys.store.replicasOfDeployment(ID)).length, 2);
      await eventually(records, { timeoutMs: 40_000, what: "2 replica records again" });
    } finally {
      expect(sys.cluster.kill(stale, "SIGCONT")).toBe(true);
    }
    const resumed = lines.length;
    const after = await eventually(
      async () => {
        const done = logged("controller", "reconciled", resumed).find(
          (l) => l.component === stale && l.fields.deployment === ID && l.fields.create === 4,
        );
        if (!done) throw new Error(`${stale} has not applied its held plan yet`);
        return done.fields;
      },
      { timeoutMs: 15_000, what: "the stale plan applied" },
    );
    expect(after.created).toBe(0);
    expect((await sys.store.replicasOfDeployment(ID)).length).toBe(2);
    expect((await sys.store.deployment(ID))!.replicas).toBe(2);
  }, 180_000);

  it("a scheduler resumed with binds another scheduler already made binds nothing", async () => {
    const ID = "default/solo";
    const from = lines.length;
    await intake(sys.bus, "apply", { name: "solo", replicas: 1, command: ["x"], resources: { cpu: 0.01 } });
    const stale = await pauseHolder(sys, "scheduler", from, (f) => String(f.binds).startsWith("solo-"));
    let bound: { id: string; node: string | null; gen: number };
    try {
      bound = await eventually(
        async () => {
          const [r] = await readyReplicas(sys.store, ID);
          if (!r) throw new Error("solo is not running yet");
          return r;
        },
        { timeoutMs: 30_000, what: "solo placed by the other scheduler and running" },
      );
    } finally {
      expect(sys.cluster.kill(stale, "SIGCONT")).toBe(true);
    }
    const resumed = lines.length;
    const after = await eventually(
      async () => {
        const done = logged("scheduler", "scheduled", resumed).find((l) => l.component === stale);
        if (!done) throw new Error(`${stale} has not committed its held binds yet`);
        return done.fields;
      },
      { timeoutMs: 15_000, what: "the stale binds committed" },
    );
    expect(after).toMatchObject({ bound: 0 });
    expect(after.refused).toBeGreaterThanOrEqual(1);
    const now = await sys.store.replicasOfDeployment(ID);
    expect(now.map((r) => ({ id: r.id, node: r.node }))).toEqual([{ id: bound.id, node: bound.node }]);
  }, 120_000);
});
