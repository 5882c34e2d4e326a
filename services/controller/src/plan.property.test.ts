/**
 * Property tests of `planDeployment` (fast-check): a rolling update simulated as plan → apply → plan over random
 * deployments (size, maxSurge, maxUnavailable, minReadySeconds) and random histories (how long each new replica
 * takes to become ready, how long a retired one takes to stop, readiness probes that blip). After every applied
 * plan: never more replicas than desired + maxSurge, never fewer available than desired − maxUnavailable (unless
 * already fewer before the plan, when the plan loses none), and the rollout converges in a bounded number of steps.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type DeploymentRecord, type ReplicaRecord, resolveAmount } from "@tug/contracts";
import { dep, nodes, rep } from "./records.fixture.js";
import { planDeployment } from "./plan.js";

const STEP_MS = 1_000;
/** Cases per property (TUG_PROPERTY_RUNS raises it for a deeper local search). */
const RUNS = Number(process.env.TUG_PROPERTY_RUNS ?? 1_000);

/** A replica in the simulation: its record plus when it becomes ready / stops. */
type SimReplica = ReplicaRecord & { readyAt?: number; stopAt?: number; blipUntil?: number };

interface Scenario {
  replicas: number;
  maxSurge: number | string;
  maxUnavailable: number | string;
  minReadySeconds: number;
  /** Steps a new replica takes to become ready (used in turn). */
  readyDelays: number[];
  /** Steps a retired replica takes to stop (used in turn). */
  stopDelays: number[];
  /** [step, replica index]: that replica's probe fails for one step. */
  blips: Array<[number, number]>;
}

const amount = fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constantFrom("0%", "10%", "25%", "50%", "100%"));
const scenario: fc.Arbitrary<Scenario> = fc.record({
  replicas: fc.integer({ min: 1, max: 12 }),
  maxSurge: amount,
  maxUnavailable: amount,
  minReadySeconds: fc.constantFrom(0, 0, 1, 2),
  readyDelays: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 16 }),
  stopDelays: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 16 }),
  blips: fc.array(fc.tuple(fc.integer({ min: 0, max: 12 }), fc.nat()), { maxLength: 6 }),
});

/** The effective surge and unavailability budgets, as the planner resolves them. */
function budgets(d: DeploymentRecord): { surge: number; unavailable: number } {
  const surge = resolveAmount(d.strategy.maxSurge, d.replicas, true);
  const unavailable = resolveAmount(d.strategy.maxUnavailable, d.replicas, false);
  return { surge: surge === 0 && unavailable === 0 ? 1 : surge, unavailable };
}

/** Available as the planner counts it: should run, ready, and ready for minReadySeconds. */
function availableCount(d: DeploymentRecord, reps: SimReplica[], now: number): number {
  const minReadyMs = d.strategy.minReadySeconds * 1000;
  return reps.filter((r) => r.desired === "run" && r.ready && now - (r.readySince ?? Infinity) >= minReadyMs).length;
}

/** Replicas that exist as processes: all that should run, and retired ones not stopped yet. */
function runningCount(reps: SimReplica[]): number {
  return reps.filter((r) => r.desired === "run" || r.phase !== "Stopped").length;
}

/** The simulated world: one deployment rolling from revision 1 to 2 on one roomy node. */
class World {
  reps: SimReplica[];
  now = 1_000_000;
  step = 0;
  private created = 0;
  private retired = 0;
  constructor(
    readonly d: DeploymentRecord,
    private readonly s: Scenario,
  ) {
    this.reps = Array.from({ length: d.replicas }, () => rep({ revision: 1, readySince: 0 }));
  }

  /** Carries out a plan as the store would (retire: stop desired and leave the endpoints; create: new at rev 2). */
  apply(plan: ReturnType<typeof planDeployment>): void {
    const gone = new Set(plan.remove.map((x) => x.replica.id));
    this.reps = this.reps.filter((r) => !gone.has(r.id));
    for (const { replica } of plan.retire) {
      const r = this.reps.find((x) => x.id === replica.id)!;
      const delay = this.s.stopDelays[this.retired++ % this.s.stopDelays.length]!;
      Object.assign(r, { desired: "stop", ready: false, stopAt: this.now + delay * STEP_MS });
    }
    for (let i = 0; i < plan.create; i++) {
      const delay = this.s.readyDelays[this.created++ % this.s.readyDelays.length]!;
      const r: SimReplica = rep({ revision: this.d.revision, ready: false, readySince: undefined });
      r.createdAt = this.now + i;
      r.readyAt = this.now + delay * STEP_MS;
      this.reps.push(r);
    }
  }

  /** One step of time: replicas become ready, stop, and probes blip. */
  tick(): void {
    this.now += STEP_MS;
    this.step++;
    for (const r of this.reps) {
      if (r.desired === "stop") {
        if (r.stopAt !== undefined && r.stopAt <= this.now) r.phase = "Stopped";
        continue;
      }
      const due = r.readyAt === undefined || r.readyAt <= this.now;
      const blipping = r.blipUntil !== undefined && r.blipUntil > this.now;
      if (due && !blipping && !r.ready) Object.assign(r, { ready: true, readySince: this.now });
    }
    for (const [at, index] of this.s.blips) {
      const r = this.reps[index % this.reps.length];
      if (at !== this.step || !r || r.desired !== "run" || !r.ready) continue;
      Object.assign(r, { ready: false, blipUntil: this.now + STEP_MS });
    }
  }

  /** Rolled out: exactly `replicas` of revision 2, all available, nothing else left. */
  done(): boolean {
    return (
      this.reps.length === this.d.replicas &&
      this.reps.every((r) => r.revision === 2 && r.desired === "run") &&
      availableCount(this.d, this.reps, this.now) === this.d.replicas
    );
  }
}

/** Runs one rollout; returns the steps it took, throwing at the first broken invariant. */
function rollOut(s: Scenario): number {
  const strategy = { maxSurge: s.maxSurge, maxUnavailable: s.maxUnavailable, minReadySeconds: s.minReadySeconds };
  const d = dep({ revision: 2 }, { replicas: s.replicas, strategy });
  const { surge, unavailable } = budgets(d);
  const w = new World(d, s);
  const slowest = Math.max(...s.readyDelays) + Math.max(...s.stopDelays) + s.minReadySeconds + 3;
  const bound = (s.replicas + 2) * slowest + 14;
  while (!w.done()) {
    if (w.step > bound) throw new Error(`no convergence in ${bound} steps: ${JSON.stringify(summary(w))}`);
    const before = availableCount(d, w.reps, w.now);
    w.apply(planDeployment(d, w.reps, nodes, w.now));
    const running = runningCount(w.reps);
    if (running > d.replicas + surge) throw new Error(`step ${w.step}: ${running} replicas > ${d.replicas} + ${surge}`);
    const after = availableCount(d, w.reps, w.now);
    const floor = Math.min(before, d.replicas - unavailable);
    if (after < floor) throw new Error(`step ${w.step}: ${after} available < ${floor} (was ${before})`);
    w.tick();
  }
  return w.step;
}

function summary(w: World): unknown {
  return w.reps.map((r) => `${r.id}:r${r.revision}:${r.desired}:${r.phase}:${r.ready ? "ready" : "unready"}`);
}

describe("controller plan - properties of a rolling update", () => {
  it("stays within desired + maxSurge and desired − maxUnavailable, and converges", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        rollOut(s);
      }),
      { numRuns: RUNS },
    );
  });

  it("scales from any count to any other within bounds and converges", () => {
    const delays = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 8 });
    const scale = fc.record({ from: fc.integer({ min: 0, max: 12 }), to: fc.integer({ min: 0, max: 12 }), delays });
    fc.assert(
      fc.property(scale, ({ from, to, delays }) => {
        const d = dep({}, { replicas: to });
        const none = { maxSurge: 0, maxUnavailable: 0, minReadySeconds: 0, blips: [] };
        const history: Scenario = { ...none, replicas: from, readyDelays: delays, stopDelays: delays };
        const w = new World(dep({}, { replicas: from }), history);
        for (const r of w.reps) r.revision = d.revision;
        let steps = 0;
        for (;;) {
          const plan = planDeployment(d, w.reps, nodes, w.now);
          if (!plan.create && !plan.retire.length && !plan.remove.length && !plan.progressing) break;
          w.apply(plan);
          expect(w.reps.filter((r) => r.desired === "run").length).toBeLessThanOrEqual(Math.max(from, to));
          expect(availableCount(d, w.reps, w.now)).toBeGreaterThanOrEqual(Math.min(from, to));
          w.tick();
          expect(++steps).toBeLessThanOrEqual(2 * Math.max(...delays) + 6);
        }
        expect(w.reps.filter((r) => r.desired === "run" && r.ready)).toHaveLength(to);
      }),
      { numRuns: RUNS },
    );
  });
});
