/**
 * The level-triggered reconcile loop. Keys name *what* to look at, never *what happened*: on start it lists all
 * keys and enqueues them, and it re-lists every `resyncMs`, so a lost hint costs latency, never correctness.
 */
import type { Logger } from "@tug/log";
import { Counter, Histogram, type Registry } from "prom-client";
import { backoff, sleep } from "./clock.js";
import type { Runnable } from "./runnable.js";
import { WorkQueue } from "./work-queue.js";

/** Reads everything about `key`, then moves actual toward desired. Must be idempotent. */
export interface Reconciler {
  reconcile(key: string, signal: AbortSignal): Promise<{ requeueAfterMs?: number } | void>;
}

/** Thrown by a reconciler when retrying cannot help: logged and counted, not retried. */
export class NonRetryableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NonRetryableError";
  }
}

export interface ReconcileLoopOptions {
  name: string;
  reconciler: Reconciler;
  /** Lists every key that currently exists (from Redis). */
  listKeys: () => Promise<string[]>;
  queue?: WorkQueue;
  /**
   * Share of the time one key may be reconciled (default 1: back to back); see WorkQueue's `dutyCycle`. Ignored when
   * `queue` is given.
   */
  dutyCycle?: number;
  workers?: number;
  resyncMs?: number;
  log: Logger;
  metrics?: Registry;
  /**
   * For failures because the store takes no writes (`unavailable(err)`): the key waits for the store instead of
   * backing off on its own. One `probe()` for all such keys every STORE_PROBE_MS; once it succeeds every waiting key
   * is queued at once, so work resumes right after a failover rather than up to a backoff cap later. A key that
   * failed this way STORE_WAITS_MAX times in a row backs off like any other (the probe may be wrong about it).
   */
  storeGate?: { unavailable(err: unknown): boolean; probe(): Promise<void> };
}

/** How often the store gate's probe runs while keys wait for the store (ms). */
export const STORE_PROBE_MS = 250;
/** Consecutive store failures of one key after which it backs off on its own instead of waiting for the probe. */
export const STORE_WAITS_MAX = 10;

/**
 * Builds the loop as a Runnable; `queue` is where hint subscribers add keys; `resync()` lists and enqueues every key
 * now (e.g. after a NATS reconnect, when hints may have been lost).
 */
export function reconcileLoop(o: ReconcileLoopOptions): Runnable & { queue: WorkQueue; resync(): Promise<void> } {
  const queue = o.queue ?? new WorkQueue({ dutyCycle: o.dutyCycle });
  const failures = new Map<string, number>();
  const waiting = new Set<string>(); // keys waiting for the store (storeGate)
  let probing = false;
  let runSignal: AbortSignal | undefined; // the signal run() got: it ends the store probe too
  const registers = o.metrics ? [o.metrics] : [];
  const total = new Counter({
    name: `tug_${o.name}_reconcile_total`,
    help: `${o.name} reconciles by result`,
    labelNames: ["result"],
    registers,
  });
  const duration = new Histogram({
    name: `tug_${o.name}_reconcile_seconds`,
    help: `${o.name} reconcile duration`,
    registers,
    buckets: [0.001, 0.005, 0.02, 0.1, 0.5, 2],
  });

  async function resync(): Promise<void> {
    try {
      for (const k of await o.listKeys()) queue.add(k);
    } catch (err) {
      o.log.warn({ err: String(err) }, "resync failed; will retry");
    }
  }

  /** Parks `key` until the store gate's probe succeeds (one probe loop for all parked keys, bounded by them). */
  function waitForStore(key: string): void {
    waiting.add(key);
    if (probing || !o.storeGate || !runSignal) return;
    probing = true;
    const gate = o.storeGate;
    const signal = runSignal;
    void (async () => {
      try {
        while (waiting.size > 0 && !signal.aborted) {
          await sleep(STORE_PROBE_MS, signal);
          const back = await gate.probe().then(
            () => true,
            () => false,
          );
          if (!back) continue;
          for (const k of waiting) queue.add(k);
          waiting.clear();
        }
      } finally {
        probing = false;
      }
    })();
  }

  async function worker(signal: AbortSignal): Promise<void> {
    for (;;) {
      const key = await queue.get();
      if (key === undefined || signal.aborted) return;
      const end = duration.startTimer();
      const began = performance.now();
      try {
        const r = await o.reconciler.reconcile(key, signal);
        failures.delete(key);
        total.inc({ result: "ok" });
        if (r && r.requeueAfterMs !== undefined) queue.addAfter(key, r.requeueAfterMs);
      } catch (err) {
        if (err instanceof NonRetryableError) {
          total.inc({ result: "dropped" });
          o.log.error({ key, err: err.message }, "reconcile failed permanently");
        } else {
          const n = (failures.get(key) ?? 0) + 1;
          failures.set(key, n);
          total.inc({ result: "error" });
          o.log.warn(
            { key, attempt: n, err: String((err as Error)?.message ?? err) },
            "reconcile failed; requeued with backoff",
          );
          if (o.storeGate?.unavailable(err) && n <= STORE_WAITS_MAX) waitForStore(key);
          else queue.addAfter(key, backoff(n, 50, 5_000));
        }
      } finally {
        end();
        queue.done(key, performance.now() - began);
      }
    }
  }

  return {
    name: `${o.name}-reconcile`,
    queue,
    resync,
    async run(signal) {
      runSignal = signal;
      const timer = setInterval(() => void resync(), o.resyncMs ?? 5_000);
      const stop = () => {
        clearInterval(timer);
        queue.close();
      };
      // listening before the first resync: a stop that lands while it reads must still end the workers
      if (signal.aborted) stop();
      else signal.addEventListener("abort", stop, { once: true });
      await resync();
      await Promise.all(Array.from({ length: o.workers ?? 2 }, () => worker(signal)));
    },
  };
}
