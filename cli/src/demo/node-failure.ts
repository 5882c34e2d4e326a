/** `tug demo node-failure`: a node vanishes; it is marked NotReady and its replicas come back on the other nodes. */
import { killNode } from "@tug/cluster";
import type { NodeRecord } from "@tug/contracts";
import type { List } from "../api-types.js";
import { apply, exampleApp, readyOf, serviceOf, waitReady, withApp } from "./app.js";
import type { Demo } from "./demo.js";
import { atAfter, clock } from "./narrator.js";
import { latestSince, perNode, placementText } from "./outcome.js";
import { waitFor } from "./wait.js";

const NAME = "node-web";
const REPLICAS = 4;
/** How long the killed node stays away before its worker restarts. */
const DOWN_MS = 12_000;

/** The node-failure demo. */
export const nodeFailure: Demo = {
  name: "node-failure",
  title: "a node dies; its replicas are replaced on the others",
  async run(stage, n) {
    await withApp(n, stage, NAME, async (port) => {
      await apply(stage, exampleApp(NAME, { replicas: REPLICAS, port }));
      const { replicas } = await waitReady(n, stage, NAME, REPLICAS);
      const counts = perNode(replicas);
      n.say(`${NAME} runs ${REPLICAS} ready replicas: ${placementText(counts)}`);
      const [node] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
      const lost = replicas.filter((r) => r.node === node).map((r) => r.id);
      const killedAt = Date.now();
      await killNode(await stage.chaosTarget(), node, DOWN_MS);
      n.say(
        `node ${node} killed at ${clock(killedAt)}: its worker and its replicas (${lost.join(", ")}) are gone, ` +
          `as when a machine loses power; it stays away ${DOWN_MS / 1000} s`,
      );
      const nodeOf = async () => (await stage.api.get<List<NodeRecord>>("/v1/nodes")).items.find((x) => x.id === node);
      const notReady = await waitFor(n, `${node} marked NotReady`, 30_000, async () => {
        const rec = await nodeOf();
        return rec?.status === "NotReady" ? (rec.notReadySince ?? Date.now()) : undefined;
      });
      n.say(`the health monitor marked ${node} NotReady ${atAfter(notReady, killedAt)}: its heartbeats stopped`);
      const offList = await waitFor(n, `${node} out of ${NAME}'s endpoints`, 30_000, async () =>
        (await serviceOf(stage, NAME)).endpoints.every((e) => e.node !== node) ? Date.now() : undefined,
      );
      n.say(`its replicas left ${NAME}'s endpoints ${atAfter(offList, killedAt)}: traffic goes to the other nodes`);
      const moved = await waitFor(n, `${REPLICAS} ready replicas off ${node}`, 45_000, async () => {
        const ready = (await readyOf(stage, NAME)).filter((r) => r.node !== node);
        return ready.length >= REPLICAS ? { ready, at: Date.now() } : undefined;
      });
      const fresh = moved.ready.filter((r) => !replicas.some((old) => old.id === r.id));
      const readyAt = latestSince(
        fresh.map((r) => r.readySince),
        killedAt,
        moved.at,
      );
      n.say(`replacements ${fresh.map((r) => `${r.id} on ${r.node}`).join(", ")} ready ${atAfter(readyAt, killedAt)}`);
      n.check(
        moved.ready.length === REPLICAS,
        `${moved.ready.length} of ${REPLICAS} ready, none on ${node} (${placementText(perNode(moved.ready))})`,
      );
      const endpoints = (await serviceOf(stage, NAME)).endpoints;
      n.check(
        endpoints.every((e) => e.node !== node),
        `no endpoint on ${node} while it is away (${endpoints.length} endpoints)`,
      );
      const back = await waitFor(n, `${node} back and Ready`, DOWN_MS + 45_000, async () => {
        const rec = await nodeOf();
        return rec?.status === "Ready" ? Date.now() : undefined;
      });
      n.say(`${node}'s worker restarted after ${DOWN_MS / 1000} s; the node is Ready again ${atAfter(back, killedAt)}`);
    });
  },
};
