/**
 * Work on a thread of its own inside a service's process, with its own NATS and Redis connections: it never waits
 * behind the main thread's event loop (the controller's intake, while its reconciles decode large reads). The main
 * thread starts it with `ServiceThread.start`, sees its health and merges its metrics into /metrics; the thread's
 * module calls `serveThread`. A thread that dies unasked resolves `exited` (the controller then exits, and its
 * supervisor restarts it, as after any fatal fault).
 */
import { parentPort, Worker, workerData } from "node:worker_threads";
import type { Bus } from "@tug/bus";
import { createLogger, type Logger } from "@tug/log";
import type { ThreadMetrics } from "@tug/runtime";
import type { StateStore } from "@tug/state";
import { Registry } from "prom-client";
import type { ServiceConfig } from "./config.js";
import { connectBus, openStore } from "./connect.js";

/** Messages between the two sides (`app` carries the service's own). */
type ToThread = { t: "metrics"; id: number } | { t: "stop" };
type FromThread =
  | { t: "ready" }
  | { t: "health"; ok: boolean }
  | { t: "metrics"; id: number; json: ThreadMetrics }
  | { t: "app"; body: unknown };

/** How often the thread reports its connections' health (ms). */
const HEALTH_EVERY_MS = 500;
/** How long a scrape waits for the thread's metrics (ms); a thread that does not answer adds none. */
const METRICS_WAIT_MS = 1_000;
/** The young generation of a thread's heap (MB). */
const THREAD_YOUNG_GENERATION_MB = 8;
/** How long a stop waits for the thread to close its connections before it is terminated (ms). */
const STOP_WAIT_MS = 5_000;

/** What the thread's work is given. */
export interface ThreadDeps {
  config: ServiceConfig;
  log: Logger;
  metrics: Registry;
  bus: Bus;
  store: StateStore;
  /** Sends `body` to the main thread's `onMessage`. */
  post(body: unknown): void;
}

/** The main thread's handle on a running service thread. */
export class ServiceThread {
  private ok = false;
  private stopping = false;
  private nextId = 0;
  private readonly pending = new Map<number, (json: ThreadMetrics) => void>();
  private handler: ((body: unknown) => void) | undefined;
  private early: unknown[] = [];
  private onExit: (code: number) => void = () => {};
  /** Resolves with the exit code if the thread ends without `stop()` (never otherwise). */
  readonly exited = new Promise<number>((resolve) => (this.onExit = resolve));
  private onEnd: () => void = () => {};
  /** Resolves when the thread has ended, asked or not. */
  private readonly ended = new Promise<void>((resolve) => (this.onEnd = resolve));

  private constructor(private readonly worker: Worker) {}

  /**
   * Starts `module` (a file that calls `serveThread`) as thread `name`; resolves once it serves (its connections are
   * up), rejects if it ends before. What it posts waits for `listen`.
   */
  static start(module: URL, name: string, config: ServiceConfig, log: Logger): Promise<ServiceThread> {
    // a thread serves small requests: a young generation of a few MB is plenty, and V8's default (tens of MB, as for
    // a process that decodes large reads) would be resident memory it never needs
    const resourceLimits = { maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB };
    const worker = new Worker(module, { name, workerData: { config, name }, resourceLimits });
    const thread = new ServiceThread(worker);
    return new Promise((resolve, reject) => {
      worker.on("message", (m: FromThread) => {
        if (m.t === "ready") resolve(thread);
        else if (m.t === "health") thread.ok = m.ok;
        else if (m.t === "metrics") thread.pending.get(m.id)?.(m.json);
        else if (thread.handler) thread.handler(m.body);
        else thread.early.push(m.body);
      });
      worker.on("error", (err) => log.error({ thread: name, err: String(err?.stack ?? err) }, "thread failed"));
      worker.on("exit", (code) => {
        thread.ok = false;
        thread.onEnd();
        reject(new Error(`thread ${name} exited with code ${code} before it served`));
        if (!thread.stopping) thread.onExit(code);
      });
    });
  }

  /** Hands what the thread posts (and what it posted before) to `handler`. */
  listen(handler: (body: unknown) => void): void {
    this.handler = handler;
    for (const body of this.early.splice(0)) handler(body);
  }

  /** True while the thread's bus and store are connected (as last reported). */
  get healthy(): boolean {
    return this.ok;
  }

  /** The thread's metrics (none if it does not answer within a second). */
  metrics(): Promise<ThreadMetrics> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const done = (json: ThreadMetrics) => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(json);
      };
      const timer = setTimeout(() => done([]), METRICS_WAIT_MS);
      this.pending.set(id, done);
      this.post({ t: "metrics", id });
    });
  }

  /** Asks the thread to close its connections and waits for it to end (terminating it after 5 s); idempotent. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.post({ t: "stop" });
    const timer = setTimeout(() => void this.worker.terminate(), STOP_WAIT_MS);
    await this.ended;
    clearTimeout(timer);
  }

  private post(m: ToThread): void {
    try {
      this.worker.postMessage(m);
    } catch {
      /* a thread that already ended answers nothing */
    }
  }
}

/**
 * The thread side: connects a bus and a store with the main thread's settings, runs `serve` (which registers its
 * handlers and returns) once Redis answers, reports health, answers metric scrapes, and closes both connections when
 * told to stop.
 */
export async function serveThread(serve: (deps: ThreadDeps) => void | Promise<void>): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error("serveThread runs on a thread started by ServiceThread.start");
  const { config, name } = workerData as { config: ServiceConfig; name: string };
  const send = (m: FromThread) => port.postMessage(m);
  const log = createLogger(config.role, config.logLevel, { instance: config.instance, thread: name });
  // as on the main thread (runHost): a stray rejection is logged; on a thread it would otherwise end the thread
  process.on("unhandledRejection", (err) =>
    log.error({ err: String((err as Error)?.stack ?? err) }, "unhandled rejection"),
  );
  const metrics = new Registry();
  metrics.setDefaultLabels({ role: config.role });
  const bus = await connectBus(config, log, metrics, name);
  const store = openStore(config, log);
  // like the main thread's first reads: serve once Redis answers, or after 10 s all the same (requests then get
  // STORE_UNAVAILABLE, retryable, until it does)
  await store.ready().catch(() => log.warn("serving before redis is reachable"));
  await serve({ config, log, metrics, bus, store, post: (body) => send({ t: "app", body }) });
  // the server has the subscriptions once a flush returns: "ready" then means a request finds its responder
  await bus.nc.flush();
  const health = setInterval(() => send({ t: "health", ok: bus.connected && store.healthy }), HEALTH_EVERY_MS);
  port.on("message", (m: ToThread) => {
    if (m.t === "metrics") void metrics.getMetricsAsJSON().then((json) => send({ t: "metrics", id: m.id, json }));
    else {
      clearInterval(health);
      void Promise.allSettled([bus.close(), store.close()]).then(() => port.close());
    }
  });
  send({ t: "health", ok: bus.connected && store.healthy });
  send({ t: "ready" });
}
