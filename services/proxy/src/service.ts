/**
 * The proxy process: keeps an EndpointCache current from change hints (deployments, endpoints, nodes) and its
 * endpoint-index check every `syncMs`, with a full re-read every `resyncMs`; applies the route table it gives, and
 * publishes traffic figures every 2 s. At rest a sync costs one HGETALL, whatever the cluster's size.
 */
import { type Endpoint, subjects } from "@tug/contracts";
import type { Logger } from "@tug/log";
import { periodic, type Runnable } from "@tug/runtime";
import type { ServiceDeps, ServiceParts } from "@tug/service";
import { type CacheHint, EndpointCache, type RedisStore } from "@tug/state";
import type { Target } from "./balancer.js";
import { Proxy } from "./proxy.js";
import { publishedPorts, type Route, routeTable } from "./routes.js";
import { ProxyStats } from "./stats.js";

/** Timing of the proxy's loops. */
export interface ProxyOptions {
  syncMs: number;
  /** Period of the re-read of deployment and node records (ms; default 30 s). */
  resyncMs?: number;
  /** Period of the full re-read, every replica included (ms; default DEEP_RESYNC_MS). */
  deepResyncMs?: number;
  publishMs: number;
  /** Drain grace of connections to endpoints that left (TUG_PROXY_DRAIN_MS). */
  drainMs: number;
}

/** Reads the store once and applies the routes. */
export async function syncOnce(store: RedisStore, proxy: Proxy): Promise<void> {
  const [deployments, replicas, nodes] = await Promise.all([store.deployments(), store.replicas(), store.nodes()]);
  await proxy.apply(routeTable(deployments, replicas, nodes));
}

/** The routes of the cache's current state; a service's targets stay the same array while its endpoints do. */
export function cachedRoutes(cache: EndpointCache, memo: WeakMap<readonly Endpoint[], Target[]>): Route[] {
  const targets = (id: string) => {
    const eps = cache.endpoints(id);
    let t = memo.get(eps);
    if (!t) memo.set(eps, (t = eps.map((e) => ({ key: e.replica, host: e.host, port: e.port }))));
    return t;
  };
  return [...publishedPorts([...cache.deployments().values()])].map(([port, { service, balance }]) => ({
    port,
    service,
    balance,
    targets: targets(service),
  }));
}

/**
 * A Runnable that syncs the cache and applies its routes every `periodMs` and as soon as `kick` is called;
 * failures are logged, never fatal.
 */
export function syncLoop(
  cache: EndpointCache,
  proxy: Proxy,
  log: Logger,
  periodMs: number,
): Runnable & { kick(): void } {
  const memo = new WeakMap<readonly Endpoint[], Target[]>();
  let wake: (() => void) | undefined;
  let kicked = false;
  return {
    name: "proxy-sync",
    kick() {
      kicked = true;
      wake?.();
    },
    async run(signal) {
      while (!signal.aborted) {
        kicked = false;
        await cache
          .sync()
          .then(() => proxy.apply(cachedRoutes(cache, memo)))
          .catch((err) => log.warn({ err: String((err as Error)?.message ?? err) }, "proxy sync failed"));
        if (kicked) continue;
        await new Promise<void>((r) => {
          const done = () => {
            clearTimeout(t);
            signal.removeEventListener("abort", done);
            wake = undefined;
            r();
          };
          const t = setTimeout(done, periodMs);
          wake = done;
          signal.addEventListener("abort", done, { once: true });
        });
      }
      proxy.close();
    },
  };
}

/** Builds the proxy's parts for `boot`. */
export function buildProxy(deps: ServiceDeps, o: ProxyOptions): ServiceParts {
  const stats = new ProxyStats(deps.metrics);
  const proxy = new Proxy(stats, deps.log, { drainMs: o.drainMs });
  const cache = new EndpointCache(deps.store, o.resyncMs ?? 30_000, o.deepResyncMs);
  const loop = syncLoop(cache, proxy, deps.log, o.syncMs);
  const hints = (["endpoints", "deployment", "node"] as CacheHint[]).map((kind) =>
    deps.bus.subscribe(subjects.hintAll(kind), (env) => {
      const id = (env.body as { id?: unknown })?.id;
      cache.hint(kind, typeof id === "string" ? id : undefined);
      loop.kick();
    }),
  );
  const unwatch = deps.bus.onReconnect(() => {
    cache.hint("deployment"); // hints may have been lost while disconnected: re-read everything
    loop.kick();
  });
  const publisher = periodic(
    "proxy-metrics",
    o.publishMs,
    async () => {
      deps.bus.publish(subjects.proxyMetrics, "proxy.metrics", { services: stats.snapshot() });
    },
    (err) => deps.log.warn({ err: String(err) }, "metrics publish failed"),
  );
  return {
    runnables: [loop, publisher],
    onStop: async () => {
      for (const h of hints) h.unsubscribe();
      unwatch();
    },
  };
}
