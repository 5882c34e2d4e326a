/** `GET /v1/watch`: a Server-Sent Events stream of every service's endpoint changes. */
import { TugError, validate } from "@tug/contracts";
import type { FastifyInstance } from "fastify";
import type { ApiDeps, WatchLimits } from "../deps.js";
import { watchQuery } from "../params.js";
import type { EndpointFeed } from "../watch/feed.js";
import { SseStream } from "../watch/sse.js";
import { readService } from "./services.js";

/** Defaults of the stream limits (ApiDeps.watchLimits overrides them). */
export const WATCH_LIMITS: WatchLimits = { maxStreams: 256, keepaliveMs: 15_000, maxPending: 10_000 };

/**
 * Registers the stream route. Each event is `endpoints` (the service view, as `GET /v1/services/{ns}/{name}`),
 * `deleted` (`{namespace, name}`) or `error` (a structured error body). With `snapshot=1` (the default) the
 * stream starts with every existing service; then one event per change. Open streams end when the server closes.
 */
export function watchRoutes(app: FastifyInstance, deps: ApiDeps, feed: EndpointFeed): void {
  const limits = { ...WATCH_LIMITS, ...deps.watchLimits };
  const streams = new Set<SseStream>();
  app.addHook("preClose", async () => {
    for (const s of [...streams]) s.end();
  });

  app.get("/v1/watch", async (req, reply) => {
    const q = validate(watchQuery, req.query, "query");
    if (streams.size >= limits.maxStreams)
      throw new TugError("OVERLOADED", `too many watch streams (${limits.maxStreams}); retry later`);
    reply.hijack();
    const stream = new SseStream(reply.raw, {
      read: (id) => {
        const [ns, name] = id.split("/");
        return readService(deps.store, ns!, name!);
      },
      keepaliveMs: limits.keepaliveMs,
      lifetimeMs: q.timeout * 1000,
      maxPending: limits.maxPending,
    });
    streams.add(stream);
    const unlisten = await feed.listen((ids) => stream.push(ids));
    const cleanup = () => {
      unlisten();
      streams.delete(stream);
    };
    if (stream.signal.aborted) cleanup();
    else stream.signal.addEventListener("abort", cleanup, { once: true });
    if (q.snapshot === "1" || q.snapshot === "true") {
      try {
        const [ids, indexed] = await Promise.all([deps.store.deploymentIds(), deps.store.endpointsIndexes()]);
        stream.push(new Set([...ids, ...indexed.keys()]));
      } catch (err) {
        req.log.warn({ err: String(err) }, "watch snapshot failed");
        stream.end();
      }
    }
  });
}
