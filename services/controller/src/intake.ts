/**
 * Desired-state intake: `tug.v1.desired.<verb>` for every verb of DESIRED_VERBS (request/reply, queue group
 * "controller").
 * Every body is validated; a reply of ok means the change is durable in Redis (AOF). Bad input changes nothing.
 */
import type { Bus } from "@tug/bus";
import {
  deleteSchema,
  deploymentId,
  deploymentRefSchema,
  type DesiredVerb,
  fromKubernetes,
  manifestSchema,
  nodeRefSchema,
  type OkReply,
  replicaRefSchema,
  rollbackSchema,
  scaleSchema,
  subjects,
  validate,
} from "@tug/contracts";
import type { StateStore } from "@tug/state";
import { TugError } from "@tug/contracts";

/**
 * Runs a write that may carry a user's expected generation: a CAS failure against a generation the user named is
 * GENERATION_MISMATCH (not retryable unchanged); without one, errors pass through as they are.
 */
export async function expecting<T>(expectGeneration: number | undefined, write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (err) {
    if (expectGeneration === undefined || !(err instanceof TugError) || err.code !== "CONFLICT") throw err;
    const message = `${err.message} (the write expected generation ${expectGeneration})`;
    throw new TugError("GENERATION_MISMATCH", message, "expectGeneration");
  }
}

/** Splits `expectGeneration` off an apply body, so a Kubernetes manifest (translated on its own) can carry it too. */
function splitExpectation(body: unknown): { doc: unknown; expectGeneration?: unknown } {
  if (!body || typeof body !== "object" || Array.isArray(body) || !("expectGeneration" in body)) return { doc: body };
  const { expectGeneration, ...doc } = body as Record<string, unknown>;
  return { doc, expectGeneration };
}

/** Handles one verb's body; returns the reply. */
export type IntakeHandler = (body: unknown) => Promise<OkReply>;

/** The intake handlers over a store; `changed(id)` is called after every accepted deployment change. */
export function intakeHandlers(
  store: StateStore,
  changed: (id: string) => void,
  nodeChanged: (node: string) => void,
): Record<DesiredVerb, IntakeHandler> {
  const pause =
    (paused: boolean): IntakeHandler =>
    async (body) => {
      const b = validate(deploymentRefSchema, body, paused ? "pause" : "resume");
      const id = deploymentId(b.namespace, b.name);
      const dep = await store.deployment(id);
      if (!dep) throw new TugError("NOT_FOUND", `deployment ${id} does not exist`, "name");
      // Like Kubernetes, time spent paused does not count against the progress deadline: it restarts on resume.
      const fields =
        !paused && dep.paused && dep.lastGoodRevision !== dep.revision
          ? { paused, revisionAt: Date.now() }
          : { paused };
      const event = { reason: paused ? "RolloutPaused" : "RolloutResumed", message: `revision ${dep.revision}` };
      await expecting(
        b.expectGeneration,
        store.patchDeployment(id, fields, event, Date.now(), b.expectGeneration ?? -1),
      );
      changed(id);
      return { ok: true, id, revision: dep.revision };
    };
  const node =
    (mode: "cordon" | "uncordon" | "drain"): IntakeHandler =>
    async (body) => {
      const b = validate(nodeRefSchema, body, mode);
      await expecting(b.expectGeneration, store.cordonNode(b.node, mode, Date.now(), b.expectGeneration ?? -1));
      nodeChanged(b.node);
      return { ok: true, id: b.node, revision: 0 };
    };
  return {
    pause: pause(true),
    resume: pause(false),
    cordon: node("cordon"),
    uncordon: node("uncordon"),
    drain: node("drain"),
    async restart(body) {
      const b = validate(replicaRefSchema, body, "restart");
      const r = await store.replica(b.replica);
      if (!r || r.desired !== "run") throw new TugError("NOT_FOUND", `replica ${b.replica} is not running`, "replica");
      // like deleting a pod: the copy is retired (its worker stops it) and the controller creates a new one
      await store.retireReplica(r.id, "restart requested", r.gen);
      changed(r.deployment);
      return { ok: true, id: r.id, revision: r.revision };
    },
    async apply(body) {
      const { doc, expectGeneration } = splitExpectation(body);
      const translated = fromKubernetes(doc);
      const input = expectGeneration === undefined ? translated : { ...(translated as object), expectGeneration };
      const m = validate(manifestSchema, input, "manifest");
      const id = deploymentId(m.namespace, m.name);
      const r = await expecting(m.expectGeneration, store.applyDeployment(m, Date.now(), m.expectGeneration ?? -1));
      changed(id);
      return { ok: true, id, revision: r.revision, replicas: m.replicas, unchanged: r.unchanged };
    },
    async delete(body) {
      const b = validate(deleteSchema, body, "delete");
      const id = deploymentId(b.namespace, b.name);
      const r = await store.deleteDeployment(id);
      changed(id);
      return { ok: true, id, revision: r.revision };
    },
    async scale(body) {
      const b = validate(scaleSchema, body, "scale");
      const id = deploymentId(b.namespace, b.name);
      const cur = await store.deployment(id);
      const lastScale =
        b.from && cur ? { from: cur.replicas, to: b.replicas, reason: b.reason ?? "", at: Date.now() } : undefined;
      const o = { reason: b.reason ?? "", lastScale, expectedGen: b.expectGeneration, fence: b.fence };
      const r = await expecting(b.expectGeneration, store.scaleDeployment(id, b.replicas, o));
      changed(id);
      return { ok: true, id, revision: r.revision, replicas: b.replicas, unchanged: r.unchanged };
    },
    async rollback(body) {
      const b = validate(rollbackSchema, body, "rollback");
      const id = deploymentId(b.namespace, b.name);
      const undo = store.rollbackDeployment(id, b.toRevision ?? 0, "rollout undo requested", b.expectGeneration ?? -1);
      const r = await expecting(b.expectGeneration, undo);
      changed(id);
      return { ok: true, id, revision: r.revision };
    },
  };
}

/**
 * Serves every intake verb on the bus in the controller's queue group and makes every accepted change known: a
 * deployment's change is hinted on the bus and handed to `enqueue`; a node's (cordon, drain) is hinted, and each
 * deployment with replicas on it is enqueued.
 */
export function serveIntake(bus: Bus, store: StateStore, enqueue: (id: string) => void): void {
  const handlers = intakeHandlers(
    store,
    (id) => {
      enqueue(id);
      bus.publish(subjects.hint("deployment", id), "hint", { id });
    },
    (node) => {
      bus.publish(subjects.hint("node", node), "hint", { id: node });
      // read on the connection that made the write
      void store.replicasOfNode(node).then(
        (rs) => new Set(rs.map((r) => r.deployment)).forEach(enqueue),
        () => {},
      );
    },
  );
  for (const verb of Object.keys(handlers) as DesiredVerb[]) {
    bus.serve(subjects.desired(verb), (body) => handlers[verb](body), { queue: "controller" });
  }
}
