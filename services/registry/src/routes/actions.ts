/**
 * Node maintenance and replica restarts over HTTP (the dashboard's actions): each is forwarded onto the bus intake
 * as the CLI sends it (`tug node cordon|uncordon|drain`, `desired.restart`), never written directly.
 */
import { nodeRefSchema, type OkReply, replicaRefSchema, subjects, validate } from "@tug/contracts";
import type { FastifyInstance } from "fastify";
import type { ApiDeps } from "../deps.js";
import { nodeActionParams, replicaParams } from "../params.js";

/** Registers `POST /v1/nodes/{node}/{cordon|uncordon|drain}` and `POST /v1/replicas/{id}/restart`. */
export function actionRoutes(app: FastifyInstance, { intake }: ApiDeps): void {
  app.post("/v1/nodes/:node/:action", async (req) => {
    const { node, action } = validate(nodeActionParams, req.params, "path");
    return intake.request<OkReply>(subjects.desired(action), `desired.${action}`, validate(nodeRefSchema, { node }));
  });

  app.post("/v1/replicas/:id/restart", async (req) => {
    const { id } = validate(replicaParams, req.params, "path");
    const body = validate(replicaRefSchema, { replica: id });
    return intake.request<OkReply>(subjects.desired("restart"), "desired.restart", body);
  });
}
