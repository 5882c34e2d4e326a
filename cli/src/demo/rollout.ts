/**
 * `tug demo rollout`: version 2 rolls out replica by replica under load without a failed request; then a bad
 * version (its readiness probe never passes) misses its progress deadline and Tugboat rolls it back by itself.
 */
import { rolloutProgress, type RolloutProgress } from "../commands/rollout-status.js";
import { runLoad } from "../loadgen.js";
import { apply, detailOf, exampleApp, type Manifest, waitReady, withApp } from "./app.js";
import type { Demo } from "./demo.js";
import type { Narrator } from "./narrator.js";
import { atAfter, clock } from "./narrator.js";
import { foldBounds, type RolloutBounds } from "./outcome.js";
import type { Stage } from "./stage.js";
import { waitFor } from "./wait.js";

const NAME = "roll-web";
const REPLICAS = 4;
const DEADLINE_S = 8;
const RPS = 20;

/** The rollout demo. */
export const rollout: Demo = {
  name: "rollout",
  title: "a new version rolls out with no failed request; a bad one is rolled back by itself",
  async run(stage, n) {
    await withApp(n, stage, NAME, async (port) => {
      const ac = new AbortController();
      let load: ReturnType<typeof runLoad> | undefined;
      const app = (version: string, image: string, env: Record<string, string> = {}) =>
        exampleApp(NAME, {
          replicas: REPLICAS,
          port,
          image,
          env: { VERSION: version, ...env },
          strategy: { progressDeadlineSeconds: DEADLINE_S },
        });
      try {
        await apply(stage, app("1", "tug-examples/web:1"));
        await waitReady(n, stage, NAME, REPLICAS);
        n.say(`${NAME} runs ${REPLICAS} ready replicas of version 1 (maxSurge 25%, maxUnavailable 0)`);
        load = runLoad({ host: "127.0.0.1", port, rps: RPS, durationMs: 120_000, signal: ac.signal });
        n.say(`steady load: ${RPS} requests/s through the proxy on 127.0.0.1:${port} for the whole demo`);

        const good = await roll(n, stage, app("2", "tug-examples/web:2"), "version 2");
        n.check(good.outcome.ok, `version 2 rolled out: ${good.outcome.message}`);
        n.check(
          good.bounds.minReady >= REPLICAS && good.bounds.maxRunning <= REPLICAS + 1,
          `during it: never fewer than ${REPLICAS} ready (fewest ${good.bounds.minReady}), never more than ` +
            `${REPLICAS + 1} replicas (most ${good.bounds.maxRunning})`,
        );

        const bad = await roll(n, stage, app("bad", "tug-examples/web:bad", { FAIL_READINESS: "1" }), "a bad version");
        const cond = bad.detail.condition;
        n.say(
          `its new replica never passed /healthz; after the ${DEADLINE_S} s progress deadline Tugboat rolled back ` +
            `${atAfter(cond?.at ?? bad.at, bad.appliedAt)}: ${cond?.message ?? bad.outcome.message}`,
        );
        n.check(cond?.type === "RolledBack", `the bad version was rolled back automatically (${cond?.type ?? "none"})`);
        const after = await waitReady(n, stage, NAME, REPLICAS);
        const running = (await detailOf(stage, NAME)).replicas.items.filter((r) => r.desired === "run");
        const versions = new Set(running.map((r) => r.revision));
        n.say(
          `all ${REPLICAS} replicas ready ${atAfter(after.at, bad.appliedAt)} (revisions ${[...versions].join(", ")})`,
        );
        n.check(
          bad.bounds.minReady >= REPLICAS,
          `the old version kept serving meanwhile: never fewer than ${REPLICAS} ready (fewest ${bad.bounds.minReady})`,
        );
        ac.abort();
        const r = await load;
        load = undefined;
        n.say(
          `load stopped at ${clock(Date.now())}: ${r.ok} of ${r.sent} requests answered (p99 ${r.latencyMs.p99} ms)`,
        );
        n.check(r.failed === 0, `no request failed through both rollouts (${r.failed} failed)`);
      } finally {
        ac.abort();
        await load?.catch(() => undefined);
      }
    });
  },
};

/** What one rollout did. */
interface Rolled {
  outcome: NonNullable<RolloutProgress["outcome"]>;
  bounds: RolloutBounds;
  detail: Awaited<ReturnType<typeof detailOf>>["deployment"];
  appliedAt: number;
  at: number;
}

/** Applies `m`, follows the rollout to its outcome (as `tug rollout status` does) and says how it went. */
async function roll(n: Narrator, stage: Stage, m: Manifest, what: string): Promise<Rolled> {
  const appliedAt = Date.now();
  const revision = await apply(stage, m);
  n.say(`applied ${what} at ${clock(appliedAt)}: revision ${revision}`);
  let bounds: RolloutBounds | undefined;
  let steps = 0;
  let last = "";
  const done = await waitFor(n, `the rollout of revision ${revision}`, 60_000, async () => {
    const d = await detailOf(stage, NAME);
    bounds = foldBounds(bounds, d.replicas.items);
    const p = rolloutProgress(d, revision);
    const line = `${p.updated} updated, ${p.ready} ready, ${p.old} old`;
    if (line !== last) steps++;
    last = line;
    return p.outcome ? { outcome: p.outcome, detail: d.deployment, at: Date.now() } : undefined;
  });
  if (done.outcome.ok)
    n.say(`revision ${revision} complete ${atAfter(done.at, appliedAt)}, replica by replica (${steps} steps seen)`);
  return { ...done, bounds: bounds!, appliedAt };
}
