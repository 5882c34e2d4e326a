/**
 * The registry's HTTP API as a Fastify app, built apart from `listen` so tests can drive it with `app.inject()`.
 * Reads come from Redis through RedisStore; writes are published onto the bus intake, never written directly.
 */
import { fileURLToPath } from "node:url";
import Fastify, { type FastifyInstance } from "fastify";
import type { ApiDeps } from "./deps.js";
import { installWriteGuard } from "./auth.js";
import { clientErrorHandler, frameworkErrors, installErrorHandlers } from "./errors.js";
import { actionRoutes } from "./routes/actions.js";
import { dashboardRoutes } from "./routes/dashboard.js";
import { deploymentRoutes } from "./routes/deployments.js";
import { eventRoutes } from "./routes/events.js";
import { healthRoutes } from "./routes/health.js";
import { nodeRoutes } from "./routes/nodes.js";
import { replicaRoutes } from "./routes/replicas.js";
import { serviceRoutes } from "./routes/services.js";
import { watchRoutes } from "./routes/watch.js";
import { ClusterFeed } from "./watch/cluster-feed.js";
import { EndpointFeed } from "./watch/feed.js";

export type { ApiDeps, Intake } from "./deps.js";

/** Where `npm run build` puts the dashboard: dist/ui beside this file's build. */
export const DEFAULT_UI_DIR = fileURLToPath(new URL("./ui/", import.meta.url));

/** How long `close()` lets in-flight requests finish (watches are ended at once) before cutting connections. */
export const CLOSE_GRACE_MS = 2_000;

/** Makes `app.close()` finish within `graceMs`: connections still open then (keep-alive, stuck clients) are cut. */
function boundedClose(app: FastifyInstance, graceMs: number): void {
  let timer: NodeJS.Timeout | undefined;
  app.addHook("preClose", async () => {
    timer = setTimeout(() => app.server.closeAllConnections?.(), graceMs);
    timer.unref();
  });
  app.addHook("onClose", async () => clearTimeout(timer));
}

/** Builds the app with every route registered (not listening). */
export function buildApi(deps: ApiDeps): FastifyInstance {
  const app = Fastify({
    ...(deps.https ? { https: deps.https } : {}),
    loggerInstance: deps.log?.child({ module: "api" }, { level: "warn" }),
    bodyLimit: 1 << 20,
    frameworkErrors,
    clientErrorHandler,
  }) as unknown as FastifyInstance;
  app.removeContentTypeParser("text/plain"); // JSON only: anything else is 415
  installErrorHandlers(app);
  installWriteGuard(app, deps.token);
  boundedClose(app, CLOSE_GRACE_MS);
  healthRoutes(app, deps);
  const feed = new EndpointFeed({
    store: deps.store,
    hints: deps.hints,
    pollMs: deps.watchPollMs ?? (deps.hints ? 1_000 : 50),
    log: deps.log,
  });
  const cluster = new ClusterFeed({
    store: deps.store,
    hints: deps.hints,
    traffic: deps.traffic,
    minGapMs: 100,
    pollMs: deps.hints ? 5_000 : 500,
    eventBacklog: 200,
    log: deps.log,
  });
  app.addHook("onClose", async () => {
    feed.close();
    cluster.close();
  });
  serviceRoutes(app, deps, feed);
  watchRoutes(app, deps, { endpoints: feed, cluster });
  deploymentRoutes(app, deps);
  replicaRoutes(app, deps);
  nodeRoutes(app, deps);
  eventRoutes(app, deps);
  actionRoutes(app, deps);
  dashboardRoutes(app, deps.uiDir ?? DEFAULT_UI_DIR);
  return app;
}
