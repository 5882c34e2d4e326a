/**
 * The process host: runs Runnables, serves `/healthz` and `/metrics`, and handles signals
 * (first SIGTERM/SIGINT aborts and drains, a second one exits at once).
 */
import { createServer, type Server } from "node:http";
import type { Logger } from "@tug/log";
import {
  AggregatorRegistry,
  collectDefaultMetrics,
  type MetricObjectWithValues,
  type MetricValue,
  Registry,
} from "prom-client";
import type { Runnable } from "./runnable.js";

export interface HostOptions {
  role: string;
  log: Logger;
  runnables: Runnable[];
  /** Port for /healthz and /metrics (0 = pick one; printed at start). */
  healthPort: number;
  healthHost?: string;
  metrics: Registry;
  /**
   * Metrics of the process's threads (`Registry.getMetricsAsJSON()` of each), served with `metrics` on /metrics:
   * series with equal names and labels are summed, so a thread's bus counts with the main thread's.
   */
  threadMetrics?: () => Promise<ThreadMetrics[]>;
  /** Extra health checks; any false makes /healthz answer 503. */
  checks?: Record<string, () => boolean>;
  /** Called once after every runnable stopped (close connections here). */
  onStop?: () => Promise<void>;
}

/** One thread's metrics, as `Registry.getMetricsAsJSON()` returns them. */
export type ThreadMetrics = MetricObjectWithValues<MetricValue<string>>[];

/**
 * How often the event-loop delay monitor samples (ms). prom-client's default, 10 ms, wakes every process 100 times a
 * second, about 0.4 % of a core each on this project's machines (a third of an idle service's cost); a block of the
 * loop still shows, as a late sample.
 */
export const EVENT_LOOP_SAMPLE_MS = 100;

/** Creates a metrics registry with the default process metrics. */
export function createMetrics(role: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ role });
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  return registry;
}

/** Starts the /healthz + /metrics server. */
export async function serveHealth(
  o: Pick<HostOptions, "healthPort" | "healthHost" | "metrics" | "threadMetrics" | "checks">,
): Promise<Server> {
  const server = createServer(async (req, res) => {
    if (req.url === "/healthz") {
      const results = Object.fromEntries(Object.entries(o.checks ?? {}).map(([k, f]) => [k, safe(f)]));
      const ok = Object.values(results).every(Boolean);
      res
        .writeHead(ok ? 200 : 503, { "content-type": "application/json" })
        .end(JSON.stringify({ ok, checks: results }));
    } else if (req.url === "/metrics") {
      const threads = (await o.threadMetrics?.()) ?? [];
      const text = threads.length ? await merged(o.metrics, threads) : await o.metrics.metrics();
      res.writeHead(200, { "content-type": o.metrics.contentType }).end(text);
    } else {
      res
        .writeHead(404, { "content-type": "application/json" })
        .end(JSON.stringify({ ok: false, code: "NOT_FOUND", message: "try /healthz or /metrics" }));
    }
  });
  await new Promise<void>((resolve, reject) =>
    server.once("error", reject).listen(o.healthPort, o.healthHost ?? "127.0.0.1", resolve),
  );
  return server;
}

/** The exposition of `main` with the threads' series added to it (sums of equal series, as for cluster workers). */
async function merged(main: Registry, threads: ThreadMetrics[]): Promise<string> {
  // prom-client omits a series whose aggregator is "omit" (the start time) from every merge: it is the main thread's
  const own = (await main.getMetricsAsJSON()).map((m) => (m.aggregator === "omit" ? { ...m, aggregator: "first" } : m));
  return AggregatorRegistry.aggregate([own, ...threads] as Parameters<
    typeof AggregatorRegistry.aggregate
  >[0]).metrics();
}

function safe(f: () => boolean): boolean {
  try {
    return f();
  } catch {
    return false;
  }
}

/** Runs the process until a signal; returns the exit code. */
export async function runHost(o: HostOptions): Promise<number> {
  const ac = new AbortController();
  let signals = 0;
  const onSignal = (sig: string) => {
    signals++;
    if (signals > 1) process.exit(130);
    o.log.info({ signal: sig }, "stopping");
    ac.abort();
  };
  process.on("SIGTERM", onSignal).on("SIGINT", onSignal);
  process.on("unhandledRejection", (err) =>
    o.log.error({ err: String((err as Error)?.stack ?? err) }, "unhandled rejection"),
  );
  const server = await serveHealth(o);
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : o.healthPort;
  o.log.info(
    {
      healthz: `http://${o.healthHost ?? "127.0.0.1"}:${port}/healthz`,
      metrics: `http://${o.healthHost ?? "127.0.0.1"}:${port}/metrics`,
    },
    `${o.role} started`,
  );
  let code = 0;
  await Promise.all(
    o.runnables.map((r) =>
      r.run(ac.signal).catch((err) => {
        o.log.fatal({ runnable: r.name, err: String((err as Error)?.stack ?? err) }, "runnable failed");
        code = 1;
        ac.abort();
      }),
    ),
  );
  await o.onStop?.().catch((err) => o.log.warn({ err: String(err) }, "stop hook failed"));
  server.close();
  o.log.info("stopped");
  return code;
}
