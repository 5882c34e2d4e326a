/**
 * `GET /v1/watch`: Server-Sent Events. `view=endpoints` (the default) streams every service's endpoint changes;
 * `view=cluster` streams the whole cluster's changes (nodes, replicas, deployments, services, events, traffic) for
 * the dashboard.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { TugError, validate } from "@tug/contracts";
import type { FastifyInstance } from "fastify";
import type { ApiDeps, WatchLimits } from "../deps.js";
import { watchQuery } from "../params.js";
import type { SseChannel } from "../watch/channel.js";
import type { ClusterFeed } from "../watch/cluster-feed.js";
import { ClusterStream } from "../watch/cluster-stream.js";
import type { EndpointFeed } from "../watch/feed.js";
import { SseStream } from "../watch/sse.js";
import { readService } from "./services.js";

/** Defaults of the stream limits (ApiDeps.watchLimits overrides them). */
export const WATCH_LIMITS: WatchLimits = { maxStreams: 256, keepaliveMs: 15_000, maxPending: 10_000 };

/** The two change feeds the streams read from. */
export interface WatchFeeds {
  endpoints: EndpointFeed;
  cluster: ClusterFeed;
}

/** Ends `stream`'s subscription and forgets it once it ends. */
function untilEnd(stream: SseChannel, streams: Set<SseChannel>, unlisten: () => void): void {
  const cleanup = () => {
    unlisten();
    streams.delete(stream);
  };
  if (stream.signal.aborted) cleanup();
  else stream.signal.addEventListener("abort", cleanup, { once: true });
}

/**
 * Registers the stream route. Endpoint events are `endpoints` (the service view, as `GET /v1/services/{ns}/{name}`),
 * `deleted` (`{namespace, name}`) or `error` (a structured error body); with `snapshot=1` (the default) the stream
 * starts with every existing service. Cluster events are `cluster` (a ClusterDelta, the first one full) or `error`.
 * Open streams end when the server closes.
 */
export function watchRoutes(app: FastifyInstance, deps: ApiDeps, feeds: WatchFeeds): void {
  const limits = { ...WATCH_LIMITS, ...deps.watchLimits };
  const streams = new Set<SseChannel>();
  app.addHook("preClose", async () => {
    for (const s of [...streams]) s.end();
  });

  const endpointStream = async (req: FastifyRequest, reply: FastifyReply, timeout: number, snapshot: boolean) => {
    const stream = new SseStream(reply.raw, {
      read: (id) => {
        const [ns, name] = id.split("/");
        return readService(deps.store, ns!, name!);
      },
      keepaliveMs: limits.keepaliveMs,
      lifetimeMs: timeout * 1000,
      maxPending: limits.maxPending,
    });
    streams.add(stream);
    untilEnd(stream, streams, await feeds.endpoints.listen((ids) => stream.push(ids)));
    if (!snapshot) return;
    try {
      const [ids, indexed] = await Promise.all([deps.store.deploymentIds(), deps.store.endpointsIndexes()]);
      stream.push(new Set([...ids, ...indexed.keys()]));
    } catch (err) {
      req.log.warn({ err: String(err) }, "watch snapshot failed");
      stream.end();
    }
  };

  const clusterStream = async (reply: FastifyReply, timeout: number) => {
    const stream = new ClusterStream(reply.raw, {
      keepaliveMs: limits.keepaliveMs,
      lifetimeMs: timeout * 1000,
      maxPending: Math.min(limits.maxPending, 1_000),
    });
    streams.add(stream);
    const { snapshot, unlisten } = await feeds.cluster.listen((d) => stream.push(d));
    stream.push(snapshot);
    untilEnd(stream, streams, unlisten);
  };

  app.get("/v1/watch", async (req, reply) => {
    const q = validate(watchQuery, req.query, "query");
    if (streams.size >= limits.maxStreams)
      throw new TugError("OVERLOADED", `too many watch streams (${limits.maxStreams}); retry later`);
    reply.hijack();
    if (q.view === "cluster") await clusterStream(reply, q.timeout);
    else await endpointStream(req, reply, q.timeout, q.snapshot === "1" || q.snapshot === "true");
  });
}
