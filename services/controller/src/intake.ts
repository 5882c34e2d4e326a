/**
 * Desired-state intake: `tug.v1.desired.{apply,delete,scale,rollback}` (request/reply, queue group "controller").
 * Every body is validated; a reply of ok means the change is durable in Redis (AOF). Bad input changes nothing.
 */
import type { Bus } from "@tug/bus";
import { deleteSchema, deploymentId, type DesiredVerb, manifestSchema, type OkReply, rollbackSchema, scaleSchema, subjects, validate } from "@tug/contracts";
import type { RedisStore } from "@tug/state";

/** Handles one verb's body; returns the reply. */
export type IntakeHandler = (body: unknown) => Promise<OkReply>;

/** The four intake handlers over a store; `changed(id)` is called after every accepted change. */
export function intakeHandlers(store: RedisStore, changed: (id: string) => void): Record<DesiredVerb, IntakeHandler> {
  return {
    async apply(body) {
      const m = validate(manifestSchema, body, "manifest");
      const id = deploymentId(m.namespace, m.name);
      const r = await store.applyDeployment(m);
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
      const lastScale = b.from && cur ? { from: cur.replicas, to: b.replicas, reason: b.reason ?? "", at: Date.now() } : undefined;
      const r = await store.scaleDeployment(id, b.replicas, b.reason ?? "", lastScale);
      changed(id);
      return { ok: true, id, revision: r.revision, replicas: b.replicas, unchanged: r.unchanged };
    },
    async rollback(body) {
      const b = validate(rollbackSchema, body, "rollback");
      const id = deploymentId(b.namespace, b.name);
      const r = await store.rollbackDeployment(id, b.toRevision ?? 0, "rollout undo requested");
      changed(id);
      return { ok: true, id, revision: r.revision };
    },
  };
}

/** Serves every intake verb on the bus in the controller's queue group. */
export function serveIntake(bus: Bus, store: RedisStore, changed: (id: string) => void): void {
  const handlers = intakeHandlers(store, changed);
  for (const verb of Object.keys(handlers) as DesiredVerb[]) {
    bus.serve(subjects.desired(verb), (body) => handlers[verb](body), { queue: "controller" });
  }
}
