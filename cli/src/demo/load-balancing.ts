/** `tug demo load-balancing`: requests through the proxy spread over every ready replica, also after a scale-up. */
import { runLoad } from "../loadgen.js";
import { apply, exampleApp, scale, serviceOf, waitReady, withApp } from "./app.js";
import type { Demo } from "./demo.js";
import type { Narrator } from "./narrator.js";
import { atAfter, clock } from "./narrator.js";
import { fairlyBalanced, sharesText } from "./outcome.js";
import type { Stage } from "./stage.js";
import { waitFor } from "./wait.js";

const NAME = "lb-web";
const RPS = 100;
const BURST_MS = 3_000;

/** The load-balancing demo. */
export const loadBalancing: Demo = {
  name: "load-balancing",
  title: "traffic spread over every ready replica",
  async run(stage, n) {
    await withApp(n, stage, NAME, async (port) => {
      await apply(stage, exampleApp(NAME, { replicas: 3, port }));
      const three = (await waitReady(n, stage, NAME, 3)).replicas.map((r) => r.id);
      await waitEndpoints(n, stage, 3);
      await burst(n, port, three);
      const scaledAt = Date.now();
      await scale(stage, NAME, 5);
      n.say(`scaled ${NAME} to 5 at ${clock(scaledAt)}`);
      const five = await waitReady(n, stage, NAME, 5);
      const listed = await waitEndpoints(n, stage, 5);
      n.say(`all 5 ready ${atAfter(five.at, scaledAt)}; the proxy's endpoint list has 5 ${atAfter(listed, scaledAt)}`);
      await burst(
        n,
        port,
        five.replicas.map((r) => r.id),
      );
    });
  },
};

/** Waits until the registry lists `count` endpoints of the app; returns when. */
function waitEndpoints(n: Narrator, stage: Stage, count: number): Promise<number> {
  return waitFor(n, `${count} endpoints of ${NAME}`, 30_000, async () =>
    (await serviceOf(stage, NAME)).endpoints.length === count ? Date.now() : undefined,
  );
}

/** Sends a burst through the proxy, says who answered, and checks every replica took a fair share. */
async function burst(n: Narrator, port: number, replicas: string[]): Promise<void> {
  const counts = new Map<string, number>();
  const r = await runLoad({
    host: "127.0.0.1",
    port,
    rps: RPS,
    durationMs: BURST_MS,
    onAnswer: (h) => {
      const who = String(h["x-replica"] ?? "?");
      counts.set(who, (counts.get(who) ?? 0) + 1);
    },
  });
  n.say(
    `${r.sent} requests through the proxy on 127.0.0.1:${port}, each on a new connection; ` +
      `answers: ${sharesText(counts)}`,
  );
  n.check(r.failed === 0, `all ${r.sent} requests answered (${r.failed} failed)`);
  n.check(
    fairlyBalanced(counts, replicas, r.ok),
    `each of the ${replicas.length} replicas answered at least half an even share ` +
      `(${Math.floor(r.ok / replicas.length / 2)})`,
  );
}
