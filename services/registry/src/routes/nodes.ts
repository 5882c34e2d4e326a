/** `GET /v1/nodes`: nodes with allocated resources and replica counts. */
import type { FastifyInstance } from "fastify";
import type { ApiDeps } from "../deps.js";
import { nodeViews } from "../views.js";

/** Registers the node listing. */
export function nodeRoutes(app: FastifyInstance, { store }: ApiDeps): void {
  app.get("/v1/nodes", async () => {
    const [nodes, replicas] = await Promise.all([store.nodes(), store.replicas()]);
    return { items: nodeViews(nodes, replicas) };
  });
}
