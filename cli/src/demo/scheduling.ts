/** `tug demo scheduling`: six replicas asked for; the scheduler spreads them over the nodes, none over-committed. */
import type { NodeView, List } from "../api-types.js";
import { apply, exampleApp, replicasOf, waitReady, withApp } from "./app.js";
import type { Demo } from "./demo.js";
import { atAfter, clock } from "./narrator.js";
import { evenlySpread, latestSince, overcommitted, perNode, placementText } from "./outcome.js";
import { waitFor } from "./wait.js";

const NAME = "sched-web";
const REPLICAS = 6;

/** The scheduling demo. */
export const scheduling: Demo = {
  name: "scheduling",
  title: "replicas placed across the nodes, spread out, none over-committed",
  async run(stage, n) {
    await withApp(n, stage, NAME, async (port) => {
      const t0 = Date.now();
      const revision = await apply(stage, exampleApp(NAME, { replicas: REPLICAS, port }));
      n.say(`asked for ${REPLICAS} copies of ${NAME} (0.1 CPU, 64Mi each) at ${clock(t0)}: revision ${revision}`);
      const placed = await waitFor(n, `all ${REPLICAS} replicas placed`, 30_000, async () => {
        const rs = (await replicasOf(stage, NAME)).filter((r) => r.desired === "run");
        return rs.length === REPLICAS && rs.every((r) => r.node) ? { rs, at: Date.now() } : undefined;
      });
      n.say(`the scheduler placed all ${REPLICAS} ${atAfter(placed.at, t0)}: ${placementText(perNode(placed.rs))}`);
      const ready = await waitReady(n, stage, NAME, REPLICAS);
      const readyAt = latestSince(
        ready.replicas.map((r) => r.readySince),
        t0,
        ready.at,
      );
      n.say(`all ${REPLICAS} running and passing their readiness probe ${atAfter(readyAt, t0)}`);
      const nodes = (await stage.api.get<List<NodeView>>("/v1/nodes")).items.filter((x) => x.status === "Ready");
      const counts = perNode(ready.replicas);
      n.check(
        evenlySpread(
          counts,
          nodes.map((x) => x.id),
        ),
        `spread over all ${nodes.length} nodes, at most one apart (${placementText(counts)})`,
      );
      const over = overcommitted(nodes);
      n.check(over.length === 0, `no node over-committed${over.length ? `: ${over.join(", ")}` : ""}`);
      n.check(ready.replicas.length === REPLICAS, `${ready.replicas.length} of ${REPLICAS} replicas ready`);
    });
  },
};
