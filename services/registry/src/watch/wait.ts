/** Blocking queries: wait until one deployment's endpoint index passes a value (Consul-style `?index=N`). */
import type { StateStore } from "@tug/state";
import type { EndpointFeed } from "./feed.js";

/**
 * Resolves once the endpoint index of `id` exceeds `index`, `timeoutMs` passes, or `signal` aborts. Listens to the
 * feed before reading the current index, so a change between the two cannot be missed; every wake-up re-reads the
 * index (the loop ends at the deadline).
 */
export async function waitForIndex(
  store: Pick<StateStore, "endpointsIndex">,
  feed: EndpointFeed,
  id: string,
  index: number,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let wake: () => void = () => {};
  let dirty = true;
  const unlisten = await feed.listen((ids) => {
    if (ids.includes(id)) {
      dirty = true;
      wake();
    }
  });
  const onAbort = () => wake();
  signal.addEventListener("abort", onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  try {
    while (!signal.aborted && Date.now() < deadline) {
      if (dirty) {
        dirty = false;
        if ((await store.endpointsIndex(id)) > index) return;
        if (dirty) continue;
      }
      await new Promise<void>((r) => {
        wake = r;
        if (signal.aborted || dirty) return r(); // woken while the index was being read
        timer = setTimeout(r, Math.max(0, deadline - Date.now()));
      });
      clearTimeout(timer);
    }
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", onAbort);
    unlisten();
  }
}
