/**
 * The proxy process: re-reads deployments, replicas and nodes every 500 ms (and at once on endpoint or replica
 * hints), applies the route table, and publishes traffic figures every 2 s.
 */
import { subjects } from "@tug/contracts";
import type { Logger } from "@tug/log";
import { periodic, type Runnable } from "@tug/runtime";
import type { ServiceDeps, ServiceParts } from "@tug/service";
import type { RedisStore } from "@tug/state";
import { Proxy } from "./proxy.js";
import { routeTable } from "./routes.js";
import { ProxyStats } from "./stats.js";

/** Timing of the proxy's loops. */
export interface ProxyOptions {
  syncMs: number;
  publishMs: number;
  /** Drain grace of connections to endpoints that left (TUG_PROXY_DRAIN_MS). */
  drainMs: number;
}

/** Reads the store once and applies the routes. */
export async function syncOnce(store: RedisStore, proxy: Proxy): Promise<void> {
  const [deployments, replicas, nodes] = await Promise.all([store.deployments(), store.replicas(), store.nodes()]);
  await proxy.apply(routeTable(deployments, replicas, nodes));
}

/** A Runnable that syncs every `periodMs` and as soon as `kick` is called; failures are logged, never fatal. */
export function syncLoop(store: RedisStore, proxy: Proxy, log: Logger, periodMs: number): Runnable & { kick(): void } {
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
        await syncOnce(store, proxy).catch((err) => log.warn({ err: String((err as Error)?.message ?? err) }, "proxy sync failed"));
        if (kicked) continue;
        await new Promise<void>((r) => {
          const done = () => { clearTimeout(t); signal.removeEventListener("abort", done); wake = undefined; r(); };
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
  const loop = syncLoop(deps.store, proxy, deps.log, o.syncMs);
  const hints = [subjects.hintAll("endpoints"), subjects.hintAll("replica"), subjects.hintAll("deployment")].map((s) => deps.bus.subscribe(s, () => loop.kick()));
  const publisher = periodic("proxy-metrics", o.publishMs, async () => {
    deps.bus.publish(subjects.proxyMetrics, "proxy.metrics", { services: stats.snapshot() });
  }, (err) => deps.log.warn({ err: String(err) }, "metrics publish failed"));
  return {
    runnables: [loop, publisher],
    onStop: async () => {
      for (const h of hints) h.unsubscribe();
    },
  };
}
