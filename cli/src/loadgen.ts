/**
 * A bounded, open-loop HTTP load generator for loopback targets only (design.md §5.9). Requests go out at a fixed
 * rate regardless of answers, each on a fresh TCP connection (so a proxy balances every request); a request counts
 * as ok when it is answered with a 2xx/3xx status within the timeout. Used by `tug load` and the bench scripts.
 */
import { type IncomingHttpHeaders, request } from "node:http";
import { isIPv4 } from "node:net";
import { TugError } from "@tug/contracts";

/** What to send, where, and for how long. */
export interface LoadOptions {
  /** Must be a loopback address (127.0.0.0/8 or ::1). */
  host: string;
  port: number;
  /** Requests per second, 1–10 000. */
  rps: number;
  /** Upper bound of the run (ms), ≤ 1 h; `signal` may end it sooner. */
  durationMs: number;
  /** Request path (default `/`). */
  path?: string;
  /** Per-request timeout (ms, default 10 000). */
  timeoutMs?: number;
  /** Requests in flight at most; a request that would exceed it counts as failed ("saturated"). Default 2 000. */
  maxInFlight?: number;
  /** Ends the run early (requests in flight still finish). */
  signal?: AbortSignal;
  /** Called for each failed request with its failure kind and when it was sent (epoch ms); for diagnostics. */
  onFailure?: (kind: string, sentAt: number) => void;
  /** Called with the headers of each ok answer (e.g. to count which replica answered). */
  onAnswer?: (headers: IncomingHttpHeaders) => void;
}

/** Latency percentiles (ms) of the ok requests. */
export interface Latency {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Outcome of a run. */
export interface LoadResult {
  sent: number;
  ok: number;
  failed: number;
  /** Failure kind → count (an HTTP status, an error code, "timeout", "saturated"). */
  errors: Record<string, number>;
  latencyMs: Latency;
  /** Wall time of the run including the drain of requests in flight (ms). */
  elapsedMs: number;
}

/** Bounds `tug load` and the benches share. */
export const LIMITS = { maxRps: 10_000, maxDurationMs: 3_600_000 } as const;

/** True for 127.0.0.0/8 and ::1 (the only addresses load may go to). */
export function isLoopback(host: string): boolean {
  return (isIPv4(host) && host.startsWith("127.")) || host === "::1";
}

/** The `p`-th percentile (0–100) of ascending `sorted` values (nearest rank); 0 when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** Latency summary of unsorted samples. */
export function summarize(samples: number[]): Latency {
  const s = [...samples].sort((a, b) => a - b);
  const r = (v: number) => Math.round(v * 10) / 10;
  return {
    p50: r(percentile(s, 50)),
    p90: r(percentile(s, 90)),
    p99: r(percentile(s, 99)),
    max: r(s[s.length - 1] ?? 0),
  };
}

/** Checks options; throws VALIDATION_FAILED with the offending field. */
export function validateLoad(o: LoadOptions): void {
  if (!isLoopback(o.host)) throw new TugError("VALIDATION_FAILED", `load goes to loopback only, not ${o.host}`, "host");
  if (!Number.isInteger(o.port) || o.port < 1 || o.port > 65_535)
    throw new TugError("VALIDATION_FAILED", `port must be 1-65535, got ${o.port}`, "port");
  if (!(o.rps >= 1 && o.rps <= LIMITS.maxRps))
    throw new TugError("VALIDATION_FAILED", `rps must be 1-${LIMITS.maxRps}, got ${o.rps}`, "rps");
  if (!(o.durationMs > 0 && o.durationMs <= LIMITS.maxDurationMs))
    throw new TugError("VALIDATION_FAILED", `duration must be > 0 and ≤ 1h, got ${o.durationMs} ms`, "duration");
  if (o.path !== undefined && !o.path.startsWith("/"))
    throw new TugError("VALIDATION_FAILED", `path must start with /, got ${o.path}`, "path");
}

/** Sends one GET; resolves with its latency (ms) or the failure kind. */
function once(o: LoadOptions, timeoutMs: number): Promise<{ ms: number } | { error: string }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: { ms: number } | { error: string }) => {
      if (!settled) {
        settled = true;
        resolve(r);
      }
    };
    const req = request(
      {
        host: o.host,
        port: o.port,
        path: o.path ?? "/",
        method: "GET",
        agent: false,
        headers: { connection: "close" },
        timeout: timeoutMs,
      },
      (res) => {
        res.resume();
        res.on("error", (err: NodeJS.ErrnoException) => done({ error: err.code ?? "ERESPONSE" }));
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          const ok = status >= 200 && status < 400;
          if (ok && !settled) o.onAnswer?.(res.headers);
          done(ok ? { ms: performance.now() - t0 } : { error: `HTTP ${status}` });
        });
      },
    );
    req.on("timeout", () => {
      req.destroy();
      done({ error: "timeout" });
    });
    req.on("error", (err: NodeJS.ErrnoException) => done({ error: err.code ?? "EREQUEST" }));
    req.end();
  });
}

/** Runs the load and returns the counts and latency percentiles. */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  validateLoad(o);
  const timeoutMs = o.timeoutMs ?? 10_000;
  const maxInFlight = o.maxInFlight ?? 2_000;
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  const fail = (kind: string) => {
    errors[kind] = (errors[kind] ?? 0) + 1;
  };
  const pending = new Set<Promise<void>>();
  const start = performance.now();
  const total = Math.round((o.rps * o.durationMs) / 1000);
  let sent = 0;
  // Open loop: every tick sends what the schedule owes (bounded by `total`, so the loop ends).
  while (sent < total && !o.signal?.aborted) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * o.rps) / 1000) + 1);
    for (; sent < due; sent++) {
      if (pending.size >= maxInFlight) {
        fail("saturated");
        continue;
      }
      const sentAt = Date.now();
      const p: Promise<void> = once(o, timeoutMs)
        .then((r) => {
          if ("ms" in r) latencies.push(r.ms);
          else {
            fail(r.error);
            o.onFailure?.(r.error, sentAt);
          }
        })
        .finally(() => pending.delete(p));
      pending.add(p);
    }
    const next = start + (sent * 1000) / o.rps;
    await new Promise((r) => setTimeout(r, Math.max(1, Math.min(50, next - performance.now()))));
  }
  await Promise.all(pending);
  const failed = Object.values(errors).reduce((a, b) => a + b, 0);
  return {
    sent,
    ok: latencies.length,
    failed,
    errors,
    latencyMs: summarize(latencies),
    elapsedMs: Math.round(performance.now() - start),
  };
}
