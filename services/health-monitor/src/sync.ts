/**
 * Answers `node.<id>.sync`: the full list of replicas bound to the node (to run, or to stop), each with the
 * template of its revision, and `sampleUsage` when its deployment autoscales on CPU. Lost replicas are left out, so a
 * node that comes back stops them (split-brain fence). While the node is NotReady, replicas whose deployment sets
 * `disconnect.stopAfterSeconds` are sent as `stop`: a node that reaches us again before its heartbeats made it Ready
 * must not restart copies that may be declared Lost and replaced a moment later (it restarts them once Ready).
 * Secret env values are opened here, into the template of the reply (docs/security.md): a store without the secret
 * key fails the whole sync with SECRETS_UNAVAILABLE, so the node keeps running what it runs. With `--ha` the answer
 * waits until the replicas confirm a marker write made after the reads (RedisStore.confirmCurrent): no answer from a
 * deposed primary's stale state. Every answer carries a digest of what it was built from (nodeSyncDigest); a node
 * that sends the digest of the answer it holds, when nothing changed since, gets `unchanged` and no assignments, so a
 * thousand nodes' periodic syncs cost one small script each instead of reading and shipping every assignment.
 */
import type { Bus } from "@tug/bus";
import {
  type Assignment,
  nodeFromSubject,
  scalesOnCpu,
  type SyncReply,
  subjects,
  syncRequestSchema,
  type Template,
  TugError,
  validate,
} from "@tug/contracts";
import { openTemplate, type StateStore } from "@tug/state";

/** Builds the assignment list of `node`; the templates and deployments it needs are read at once, not in turn. */
export async function assignmentsOf(store: StateStore, node: string): Promise<Assignment[]> {
  const [all, record] = await Promise.all([store.replicasOfNode(node), store.node(node)]);
  const replicas = all.filter((r) => r.phase !== "Lost");
  const cutOff = record?.status === "NotReady";
  const revisions = [...new Set(replicas.map((r) => `${r.deployment}@${r.revision}`))];
  const deployments = [...new Set(replicas.map((r) => r.deployment))];
  const [templates, onCpu] = await Promise.all([
    Promise.all(
      revisions.map(async (key) => {
        const r = replicas.find((x) => `${x.deployment}@${x.revision}` === key)!;
        return [key, await store.template(r.deployment, r.revision)] as const;
      }),
    ).then((pairs) => new Map<string, Template | undefined>(pairs)),
    Promise.all(deployments.map(async (d) => [d, scalesOnCpu(await store.deploymentAutoscale(d))] as const)).then(
      (pairs) => new Map<string, boolean>(pairs),
    ),
  ]);
  const out: Assignment[] = [];
  for (const r of replicas) {
    const stored = templates.get(`${r.deployment}@${r.revision}`);
    if (!stored) continue;
    // the node's own replicas only: their secret env values travel opened to this node and to no one else
    const template = openTemplate(stored, store.secrets);
    const desired = cutOff && template.disconnect ? "stop" : r.desired;
    const a: Assignment = {
      replica: { id: r.id, deployment: r.deployment, revision: r.revision, desired, gen: r.gen },
      template,
    };
    if (onCpu.get(r.deployment)) a.sampleUsage = true;
    out.push(a);
  }
  return out;
}

/**
 * Sync answers in flight at once. Each is a few round trips to Redis, mostly waiting while Redis serves everyone else,
 * so dozens at once keep it busy; a burst of thousands of nodes waits its turn instead of sharing the store's replies
 * until every sender has given up (16 answered only about 80 a second at 5,000 hollow nodes).
 */
export const SYNC_CONCURRENCY = 64;

/**
 * Serves sync requests for every node (queue group "health-monitor"); `beatMs()` is the heartbeat period asked of
 * every node (beat-budget.ts), 0 for none, sent with every answer.
 */
export function serveSync(bus: Bus, store: StateStore, beatMs: () => number = () => 0): void {
  bus.serve(
    subjects.nodeAny("sync"),
    async (body, _env, subject): Promise<SyncReply> => {
      const req = validate(syncRequestSchema, body, "sync");
      if (nodeFromSubject(subject) !== req.node)
        throw new TugError("VALIDATION_FAILED", "sync node does not match its subject", "node");
      // taken before the reads: a change made meanwhile changes the next digest, so it costs one more full answer
      const digest = await store.nodeSyncDigest(req.node);
      const unchanged = req.digest === digest;
      const assignments = unchanged ? [] : await assignmentsOf(store, req.node);
      // a deposed primary cut off in a minority still answers reads: an answer from it would keep a node that the
      // majority declared Lost running copies already replaced (the node's disconnect guard counts answered syncs)
      await store.confirmCurrent();
      const heartbeatMs = beatMs();
      return {
        ok: true,
        node: req.node,
        assignments,
        digest,
        ...(unchanged ? { unchanged } : {}),
        ...(heartbeatMs > 0 ? { heartbeatMs } : {}),
      };
    },
    { queue: "health-monitor", concurrency: SYNC_CONCURRENCY },
  );
}
