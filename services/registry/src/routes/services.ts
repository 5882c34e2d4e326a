/** `GET /v1/services[/{ns}/{name}]`, with blocking watches on the endpoint index (woken by the change feed). */
import { deploymentId, TugError, validate } from "@tug/contracts";
import type { StateStore } from "@tug/state";
import type { FastifyInstance } from "fastify";
import type { ApiDeps } from "../deps.js";
import { objectParams, serviceQuery } from "../params.js";
import { serviceView, type ServiceView } from "../views.js";
import type { EndpointFeed } from "../watch/feed.js";
import { waitForIndex } from "../watch/wait.js";

/** Reads the current view of one service; NOT_FOUND when neither the deployment nor replicas exist. */
export async function readService(store: StateStore, ns: string, name: string): Promise<ServiceView> {
  const id = deploymentId(ns, name);
  const [dep, replicas, nodes, index] = await Promise.all([
    store.deployment(id),
    store.replicasOfDeployment(id),
    store.nodes(),
    store.endpointsIndex(id),
  ]);
  if (!dep && replicas.length === 0) throw new TugError("NOT_FOUND", `service ${id} does not exist`);
  return serviceView(ns, name, dep, replicas, nodes, index);
}

/** Registers the service routes. */
export function serviceRoutes(app: FastifyInstance, deps: ApiDeps, feed: EndpointFeed): void {
  const closing = new AbortController();
  app.addHook("preClose", async () => closing.abort()); // before the server waits for in-flight requests

  app.get("/v1/services", async () => {
    const deps_ = await deps.store.deployments();
    return { items: await Promise.all(deps_.map((d) => readService(deps.store, d.namespace, d.name))) };
  });

  app.get("/v1/services/:ns/:name", async (req, reply) => {
    const { ns, name } = validate(objectParams, req.params, "path");
    const q = validate(serviceQuery, req.query, "query");
    const watching = q.watch === "1" || q.watch === "true";
    if (watching) {
      const gone = new AbortController();
      reply.raw.once("close", () => gone.abort());
      const signal = AbortSignal.any([closing.signal, gone.signal]);
      await waitForIndex(deps.store, feed, deploymentId(ns, name), q.index, q.timeout * 1000, signal);
    }
    return readService(deps.store, ns, name);
  });
}
