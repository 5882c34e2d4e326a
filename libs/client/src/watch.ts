/**
 * Following a service with the registry's blocking queries: each request waits until the endpoint index passes the
 * last one seen, so changes arrive within milliseconds and an idle service costs one request per `waitSeconds`.
 */
import { TugError } from "@tug/contracts";
import { type ClientOptions, fetchService } from "./resolve.js";
import type { ServiceEndpoint, ServiceSnapshot } from "./view.js";

/** Watch settings on top of the client options. */
export interface WatchOptions extends ClientOptions {
  /** Ends the watch. */
  signal: AbortSignal;
  /** How long one blocking query may wait, in seconds (1–300, default 60). */
  waitSeconds?: number;
  /** Called on each failed request (the watch retries with capped backoff). */
  onError?: (err: TugError) => void;
  /** Most consecutive failures before the watch gives up and rejects (default: never). */
  maxFailures?: number;
}

/**
 * Calls `onChange` with the ready endpoints now and after every change, until `signal` aborts (then resolves).
 * Failures are retried with backoff (100 ms doubling to 5 s); `onChange` is never called twice for the same index.
 */
export async function watch(
  name: string,
  onChange: (endpoints: ServiceEndpoint[], snapshot: ServiceSnapshot) => void,
  o: WatchOptions,
): Promise<void> {
  const wait = Math.min(300, Math.max(1, Math.floor(o.waitSeconds ?? 60)));
  let index = -1;
  let failures = 0;
  while (!o.signal.aborted) {
    try {
      const query = index < 0 ? "" : `?watch=1&index=${index}&timeout=${wait}`;
      const snap = await fetchService(name, o, query, index < 0 ? 0 : wait * 1000);
      failures = 0;
      if (snap.index !== index) {
        index = snap.index;
        onChange(snap.endpoints, snap);
      }
    } catch (err) {
      if (o.signal.aborted) break;
      const te = err instanceof TugError ? err : new TugError("INTERNAL", String(err));
      o.onError?.(te);
      if (++failures >= (o.maxFailures ?? Infinity)) throw te;
      await pause(Math.min(5_000, 100 * 2 ** Math.min(failures - 1, 6)), o.signal);
    }
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((r) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      r();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
