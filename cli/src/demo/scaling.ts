/** `tug demo scaling`: a load spike through the proxy; the autoscaler adds replicas, then removes them after it. */
import { runLoad } from "../loadgen.js";
import { apply, deploymentOf, exampleApp, readyOf, waitReady, withApp } from "./app.js";
import type { Demo } from "./demo.js";
import { atAfter, clock } from "./narrator.js";
import { waitFor } from "./wait.js";

const NAME = "scale-web";
const MIN = 2;
const MAX = 6;
/** Requests per second per replica the autoscaler aims at. */
const TARGET = 5;
/** The spike: 5× what the minimum is sized for (asks for 5 replicas). */
const SPIKE_RPS = 24;
const STABILIZATION_S = 5;

/** The scaling demo. */
export const scaling: Demo = {
  name: "scaling",
  title: "a load spike scales the app out, and back in after it",
  async run(stage, n) {
    await withApp(n, stage, NAME, async (port) => {
      const ac = new AbortController();
      let load: ReturnType<typeof runLoad> | undefined;
      try {
        const autoscale = {
          min: MIN,
          max: MAX,
          metric: "rps",
          target: TARGET,
          scaleDownStabilizationSeconds: STABILIZATION_S,
        };
        await apply(stage, exampleApp(NAME, { replicas: MIN, port, autoscale }));
        await waitReady(n, stage, NAME, MIN);
        n.say(`${NAME} runs ${MIN} replicas, autoscaled on requests/s: target ${TARGET} per replica, ${MIN} to ${MAX}`);
        const loadAt = Date.now();
        load = runLoad({ host: "127.0.0.1", port, rps: SPIKE_RPS, durationMs: 90_000, signal: ac.signal });
        n.say(`load spike from ${clock(loadAt)}: ${SPIKE_RPS} requests/s through the proxy on 127.0.0.1:${port}`);
        const up = await waitFor(n, `the autoscaler to scale ${NAME} out`, 45_000, async () => {
          const d = await deploymentOf(stage, NAME);
          return d.replicas > MIN ? d : undefined;
        });
        const upAt = up.lastScale?.at ?? Date.now();
        n.say(
          `the autoscaler scaled ${NAME} ${MIN} → ${up.replicas} ${atAfter(upAt, loadAt)} ` +
            `(${up.lastScale?.reason ?? ""})`,
        );
        const out = await waitFor(n, `every replica of ${NAME} ready`, 45_000, async () => {
          const [d, ready] = await Promise.all([deploymentOf(stage, NAME), readyOf(stage, NAME)]);
          return d.replicas > MIN && ready.length === d.replicas ? { count: d.replicas, at: Date.now() } : undefined;
        });
        n.say(`${out.count} replicas ready ${atAfter(out.at, loadAt)}; the proxy spreads the spike over all of them`);
        ac.abort();
        const r = await load;
        load = undefined;
        const stoppedAt = Date.now();
        n.say(
          `load stopped at ${clock(stoppedAt)}: ${r.ok} of ${r.sent} requests answered (p99 ${r.latencyMs.p99} ms)`,
        );
        const back = await waitFor(n, `the autoscaler to scale ${NAME} back to ${MIN}`, 60_000, async () => {
          const d = await deploymentOf(stage, NAME);
          return d.replicas === MIN ? d : undefined;
        });
        const backAt = back.lastScale?.at ?? Date.now();
        n.say(
          `after the ${STABILIZATION_S} s stabilization window it scaled ${NAME} back to ${MIN} ` +
            atAfter(backAt, stoppedAt),
        );
        n.check(out.count > MIN && out.count <= MAX, `scaled out to ${out.count} (between ${MIN + 1} and ${MAX})`);
        n.check(r.failed === 0, `every request of the spike answered (${r.ok} of ${r.sent})`);
        n.check(back.replicas === MIN, `back to ${MIN} once the spike ended`);
      } finally {
        ac.abort();
        await load?.catch(() => undefined);
      }
    });
  },
};
