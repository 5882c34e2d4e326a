/**
 * The registry's HTTP API as a Fastify app, built apart from `listen` so tests can drive it with `app.inject()`.
 * Reads come from Redis through RedisStore; writes are published onto the bus intake, never written directly.
 */
import type { Logger } from "@tug/log";
import type { RedisStore } from "@tug/state";
import Fastify, { type FastifyInstance } from "fastify";
import type { Registry } from "prom-client";
import { installErrorHandlers } from "./errors.js";
import { deploymentRoutes } from "./routes/deployments.js";
import { eventRoutes } from "./routes/events.js";
import { healthRoutes } from "./routes/health.js";
import { nodeRoutes } from "./routes/nodes.js";
import { replicaRoutes } from "./routes/replicas.js";
import { serviceRoutes } from "./routes/services.js";

/** The part of the bus the API needs: request/reply to the desired-state intake. */
export interface Intake {
  request<T = unknown>(subject: string, kind: string, body: unknown, timeoutMs?: number): Promise<T>;
}

/** What the API reads and writes through. */
export interface ApiDeps {
  store: RedisStore;
  intake: Intake;
  metrics: Registry;
  log?: Logger;
  /** Extra health checks for /healthz (e.g. the bus connection). */
  checks?: Record<string, () => boolean>;
  /** Poll period of watches, in ms (default 50). */
  watchPollMs?: number;
}

/** Builds the app with every route registered (not listening). */
export function buildApi(deps: ApiDeps): FastifyInstance {
  const app = Fastify({ loggerInstance: deps.log?.child({ module: "api" }, { level: "warn" }), bodyLimit: 1 << 20 }) as unknown as FastifyInstance;
  installErrorHandlers(app);
  healthRoutes(app, deps);
  serviceRoutes(app, deps);
  deploymentRoutes(app, deps);
  replicaRoutes(app, deps);
  nodeRoutes(app, deps);
  eventRoutes(app, deps);
  return app;
}
