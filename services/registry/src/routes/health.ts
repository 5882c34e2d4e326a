/** `GET /healthz` and `GET /metrics` on the API port. */
import type { FastifyInstance } from "fastify";
import type { ApiDeps } from "../deps.js";

/** Registers the health and metrics routes. */
export function healthRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get("/healthz", async (_req, reply) => {
    const checks: Record<string, boolean> = { redis: deps.store.healthy };
    for (const [k, f] of Object.entries(deps.checks ?? {})) checks[k] = safe(f);
    const ok = Object.values(checks).every(Boolean);
    return reply.code(ok ? 200 : 503).send({ ok, checks });
  });
  app.get("/metrics", async (_req, reply) => reply.type(deps.metrics.contentType).send(await deps.metrics.metrics()));
}

function safe(f: () => boolean): boolean {
  try {
    return f();
  } catch {
    return false;
  }
}
