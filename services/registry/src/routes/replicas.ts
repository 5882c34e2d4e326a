/** `GET /v1/replicas[?deployment=ns/name]`. */
import { validate } from "@tug/contracts";
import type { FastifyInstance } from "fastify";
import type { ApiDeps } from "../deps.js";
import { replicasQuery } from "../params.js";

/** Registers the replica listing. */
export function replicaRoutes(app: FastifyInstance, { store }: ApiDeps): void {
  app.get("/v1/replicas", async (req) => {
    const q = validate(replicasQuery, req.query, "query");
    const items = q.deployment
      ? (await store.replicasOfDeployment(q.deployment)).sort((a, b) => a.id.localeCompare(b.id))
      : await store.replicas();
    return { items };
  });
}
