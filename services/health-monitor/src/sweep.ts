/**
 * The node-liveness sweep: a node silent for `nodeGraceMs` becomes NotReady (its replicas leave the endpoints at
 * once); NotReady for another `lostGraceMs`, its replicas become Lost and the controller replaces them elsewhere.
 * Both steps are idempotent Lua CAS scripts, so several health-monitors may sweep at once. Replicas whose deployment
 * sets `disconnect.stopAfterSeconds` are held longer (disconnect-hold.ts): their node stops them first.
 */
import type { Bus } from "@tug/bus";
import { type NodeRecord, subjects } from "@tug/contracts";
import type { Logger } from "@tug/log";
import type { StateStore } from "@tug/state";
import { heldReplicas } from "./disconnect-hold.js";

export interface SweepOptions {
  nodeGraceMs: number;
  lostGraceMs: number;
}

/**
 * One sweep pass: over the nodes the heartbeat index shows silent for `nodeGraceMs` (cost per silent node, however
 * large the cluster), or over `all`, every node, when given (the safety net for a node missing from the index).
 */
export async function sweepNodes(
  store: StateStore,
  bus: Bus,
  log: Logger,
  o: SweepOptions,
  now = Date.now(),
  all?: readonly NodeRecord[],
): Promise<void> {
  const nodes = all ?? (await store.nodesByIds(await store.silentNodeIds(now - o.nodeGraceMs)));
  for (const n of nodes) {
    if (n.status === "Ready" && n.lastHeartbeat < now - o.nodeGraceMs) {
      const r = await store.markNodeNotReady(n.id, now - o.nodeGraceMs, now);
      if (!r.changed) continue;
      log.warn({ node: n.id, silentMs: now - n.lastHeartbeat }, "node NotReady");
      await hintDeploymentsOf(store, bus, n.id, "endpoints");
      bus.publish(subjects.hint("node", n.id), "hint", { id: n.id });
    } else if (n.status === "NotReady" && n.notReadySince !== undefined && n.notReadySince < now - o.lostGraceMs) {
      const held = await heldReplicas(n, await store.replicasOfNode(n.id), now, (d, rev) => store.template(d, rev));
      const r = await store.markNodeLost(n.id, now - o.lostGraceMs, now, held);
      if (r.lost === 0) continue;
      log.warn({ node: n.id, lost: r.lost }, "replicas of a silent node declared lost");
      await hintDeploymentsOf(store, bus, n.id, "deployment");
    }
  }
}

async function hintDeploymentsOf(
  store: StateStore,
  bus: Bus,
  node: string,
  kind: "endpoints" | "deployment",
): Promise<void> {
  const ids = new Set((await store.replicasOfNode(node)).map((r) => r.deployment));
  for (const id of ids) bus.publish(subjects.hint(kind, id), "hint", { id });
}
