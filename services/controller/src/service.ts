/**
 * The controller: intake of desired state, and a level-triggered reconcile loop per deployment that moves its
 * replicas toward the desired count and revision (create, retire, remove, rolling update).
 */
import { canonicalJson, type DeploymentRecord, type ReplicaRecord, subjects } from "@tug/contracts";
import { holdDecision, reconcileLoop, untilAborted } from "@tug/runtime";
import { type ServiceDeps, type ServiceParts, ServiceThread } from "@tug/service";
import { type StateStore, storeGate } from "@tug/state";
import { applyPlan, applyVerdict } from "./apply.js";
import { serveIntake } from "./intake.js";
import { planDeployment } from "./plan.js";
import { IdleBackoff } from "./idle.js";
import { type DeploymentReads, IdleReads } from "./idle-reads.js";
import { SettledStamps } from "./settled.js";
import { checkProgress } from "./progress.js";
import { RunningClock } from "./running-clock.js";

export interface ControllerOptions {
  /** Full resync period (ms). */
  resyncMs: number;
  /** Re-look period while a rollout or scale is in progress (ms). */
  progressMs: number;
  /** Longest re-look period of a progressing deployment whose passes change nothing (ms; default 5 s). */
  idleCapMs?: number;
  /**
   * Share of the time one deployment may be reconciled (default RECONCILE_DUTY_CYCLE): a pass that took t ms rests it
   * 3t ms, and the hints of that rest are one pass. A deployment of 5 replicas rests a few ms; one of 1,000 whose
   * replicas report one by one is re-read a few times a second instead of once per report.
   */
  dutyCycle?: number;
  /**
   * Wait between planning a change and applying it (default 0). A test knob: a system test pauses the instance while
   * it holds a plan whose deployment then moves on, and proves the stale plan changes nothing.
   */
  holdMs?: number;
  /**
   * The intake's thread (`startIntakeThread`, already serving): the intake then runs on a thread of its own, with its
   * own NATS and Redis connections, so an apply never waits behind a reconcile's decoding. Without it (tests that
   * build the controller in-process) the intake runs on the main thread, over `store`.
   */
  intakeThread?: ServiceThread;
}

/**
 * Starts the intake's thread (intake-thread.ts, built next to this file) over the controller's settings; resolves
 * once it serves, so that the controller's health port, which listens after this, means the intake answers.
 */
export function startIntakeThread({ config, log }: Pick<ServiceDeps, "config" | "log">): Promise<ServiceThread> {
  return ServiceThread.start(new URL("./intake-thread.js", import.meta.url), "intake", config, log);
}

/** What the intake thread posts: a deployment to reconcile. */
export interface IntakeNotice {
  enqueue: string;
}

/**
 * Earlier revisions of `dep` that replicas still run and whose template equals the current one (read only when needed).
 */
async function sameTemplateRevisions(
  store: StateStore,
  dep: DeploymentRecord,
  replicas: readonly ReplicaRecord[],
): Promise<Set<number>> {
  const others = new Set(replicas.filter((r) => r.revision !== dep.revision).map((r) => r.revision));
  if (others.size === 0) return new Set();
  const current = canonicalJson(dep.template);
  const revs = await store.revisions(dep.id);
  return new Set(
    [...others].filter((n) => {
      const t = revs.get(n);
      return t !== undefined && canonicalJson(t) === current;
    }),
  );
}

/** Reads what one pass over deployment `id` needs: its record, its replicas and only the nodes they are on. */
async function readDeployment(store: StateStore, id: string): Promise<DeploymentReads> {
  const [dep, replicas] = await Promise.all([store.deployment(id), store.replicasOfDeployment(id)]);
  // only the nodes its replicas are on: a deployment's reconcile costs O(its replicas), not O(cluster)
  const nodes = await store.nodesByIds(replicas.flatMap((r) => (r.node ? [r.node] : [])));
  return { dep, replicas, nodes };
}

/** The controller's default duty cycle per deployment (ControllerOptions.dutyCycle). */
export const RECONCILE_DUTY_CYCLE = 0.25;

/** Builds the controller's runnables. */
export function buildController({ bus, store, log, metrics }: ServiceDeps, o: ControllerOptions): ServiceParts {
  const clock = new RunningClock();
  const idle = new IdleBackoff(o.progressMs, o.idleCapMs ?? 5_000);
  const settled = new SettledStamps((ids) => store.deploymentStamps(ids), log);
  const waiting = new IdleReads();
  const stampOf = (id: string) =>
    store.deploymentStamps([id]).then(
      ([s]) => s,
      () => undefined,
    );
  const loop = reconcileLoop({
    name: "controller",
    log,
    metrics,
    resyncMs: o.resyncMs,
    dutyCycle: o.dutyCycle ?? RECONCILE_DUTY_CYCLE,
    workers: 4,
    storeGate: storeGate(store),
    listKeys: async () => {
      clock.retain(new Set(await store.replicaIds()));
      const ids = [...new Set([...(await store.deploymentIds()), ...(await store.deploymentIdsWithReplicas())])];
      waiting.retain(new Set(ids));
      return settled.changed(ids);
    },
    reconciler: {
      async reconcile(id) {
        // taken before the reads: if this pass finds the deployment settled, the stamp is no newer than what it saw.
        // Only the resync's shortcut needs it: unreadable, the pass goes on and the next resync reconciles it again
        const stamp = await stampOf(id);
        const kept = waiting.get(id, stamp);
        const reads = kept ?? (await readDeployment(store, id));
        const { dep, replicas, nodes } = reads;
        const now = Date.now();
        const runningSince = clock.observe(replicas, now);
        if (dep && (await applyVerdict(dep, checkProgress(dep, replicas, now, runningSince), store, log, now))) {
          waiting.forget(id);
          bus.publish(subjects.hint("deployment", id), "hint", { id });
          return { requeueAfterMs: 0 };
        }
        const same = dep ? await sameTemplateRevisions(store, dep, replicas) : new Set<number>();
        const plan = planDeployment(dep, replicas, new Map(nodes.map((n) => [n.id, n])), now, same);
        const acted =
          plan.create > 0 || plan.retire.length > 0 || plan.remove.length > 0 || plan.completed !== undefined;
        if (acted) {
          const held = { deployment: id, gen: dep?.gen, create: plan.create, retire: plan.retire.length };
          await holdDecision(log, o.holdMs, held, "holding plan");
        }
        await applyPlan(id, dep, plan, store, bus, log, replicas.length);
        if (!plan.progressing && !acted) {
          waiting.forget(id);
          idle.forget(id);
          if (stamp === undefined) settled.forget(id);
          else settled.record(id, stamp);
          return {};
        }
        settled.forget(id);
        // waiting: keep what was read for the next look, if nothing changed while it was read
        if (acted || stamp === undefined) waiting.forget(id);
        else if (!kept && (await stampOf(id)) === stamp) waiting.keep(id, stamp, reads);
        return { requeueAfterMs: idle.next(id, acted, dep, replicas, now) };
      },
    },
  });
  const enqueue = (id: string) => loop.queue.add(id);
  bus.onReconnect(() => void loop.resync());
  const intakeThread = o.intakeThread;
  const intake = {
    name: "intake",
    async run(signal: AbortSignal) {
      bus.subscribe(subjects.hintAll("deployment"), (env) => {
        const id = (env.body as { id?: unknown })?.id;
        if (typeof id === "string") enqueue(id);
      });
      if (!intakeThread) {
        serveIntake(bus, store, enqueue);
        return untilAborted(signal);
      }
      intakeThread.listen((m) => {
        const id = (m as Partial<IntakeNotice>)?.enqueue;
        if (typeof id === "string") enqueue(id);
      });
      const died = intakeThread.exited.then((code) => {
        throw new Error(`the intake thread exited (code ${code})`);
      });
      try {
        await Promise.race([untilAborted(signal), died]);
      } finally {
        await intakeThread.stop();
      }
    },
  };
  return {
    runnables: [intake, loop],
    ...(intakeThread
      ? {
          checks: { intake: () => intakeThread.healthy },
          threadMetrics: async () => [await intakeThread.metrics()],
        }
      : {}),
  };
}
