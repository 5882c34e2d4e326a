/** Deployment reads (`GET /v1/deployments[/{ns}/{name}]`) and writes forwarded to the bus intake. */
import {
  deploymentId,
  deleteSchema,
  type OkReply,
  rollbackSchema,
  scaleSchema,
  subjects,
  TugError,
  validate,
} from "@tug/contracts";
import type { FastifyInstance } from "fastify";
import type { ApiDeps } from "../deps.js";
import { ifMatchGeneration, manifestBody, objectParams, rollbackBody, scaleBody } from "../params.js";
import { eventsAbout, replicaSummary, revisionList } from "../views.js";

/** How many recent events are scanned for a deployment's detail view. */
const EVENT_SCAN = 10_000;

/** Registers the deployment routes. */
export function deploymentRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const { store, intake } = deps;

  app.get("/v1/deployments", async () => ({ items: await store.deployments() }));

  app.get("/v1/deployments/:ns/:name", async (req, reply) => {
    const { ns, name } = validate(objectParams, req.params, "path");
    const id = deploymentId(ns, name);
    const [dep, revs, replicas, events] = await Promise.all([
      store.deployment(id),
      store.revisions(id),
      store.replicasOfDeployment(id),
      store.events("0", EVENT_SCAN),
    ]);
    if (!dep) throw new TugError("NOT_FOUND", `deployment ${id} does not exist`);
    void reply.header("etag", `"${dep.gen}"`);
    return {
      deployment: dep,
      revisions: revisionList(dep.revision, revs),
      replicas: { ...replicaSummary(replicas), items: replicas.sort((a, b) => a.id.localeCompare(b.id)) },
      events: eventsAbout(
        id,
        replicas.map((r) => r.id),
        events,
      ),
    };
  });

  app.post("/v1/deployments", async (req) => {
    const body = validate(manifestBody, req.body, "manifest");
    const expectGeneration = ifMatchGeneration(req.headers["if-match"]);
    if (expectGeneration !== undefined) body.expectGeneration = expectGeneration;
    return intake.request<OkReply>(subjects.desired("apply"), "desired.apply", body);
  });

  app.delete("/v1/deployments/:ns/:name", async (req) => {
    const { ns, name } = validate(objectParams, req.params, "path");
    return intake.request<OkReply>(
      subjects.desired("delete"),
      "desired.delete",
      validate(deleteSchema, { namespace: ns, name }),
    );
  });

  app.post("/v1/deployments/:ns/:name/scale", async (req) => {
    const { ns, name } = validate(objectParams, req.params, "path");
    const { replicas } = validate(scaleBody, req.body ?? {}, "body");
    const expectGeneration = ifMatchGeneration(req.headers["if-match"]);
    const expectation = expectGeneration === undefined ? {} : { expectGeneration };
    const msg = validate(scaleSchema, { namespace: ns, name, replicas, ...expectation });
    return intake.request<OkReply>(subjects.desired("scale"), "desired.scale", msg);
  });

  app.post("/v1/deployments/:ns/:name/rollback", async (req) => {
    const { ns, name } = validate(objectParams, req.params, "path");
    const { toRevision } = validate(rollbackBody, req.body ?? {}, "body");
    const msg = toRevision === undefined ? { namespace: ns, name } : { namespace: ns, name, toRevision };
    return intake.request<OkReply>(subjects.desired("rollback"), "desired.rollback", validate(rollbackSchema, msg));
  });
}
