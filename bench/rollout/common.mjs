// Shared by both halves of bench/rollout: steady load on 127.0.0.1:<port> around an action.
import { runLoad } from "../../cli/dist/loadgen.js";

/** Runs `action` (returns seconds) under `rps` open-loop load with 2 s of load before and after; returns both. */
export async function underLoad(port, rps, action) {
  const ac = new AbortController();
  // TUG_BENCH_FAILURES=1 prints each failed request (time sent, kind) to stderr, to line up with component logs
  const onFailure = process.env.TUG_BENCH_FAILURES
    ? (kind, sentAt) => console.error(JSON.stringify({ failed: kind, sentAt: new Date(sentAt).toISOString() }))
    : undefined;
  const load = runLoad({ host: "127.0.0.1", port, rps, durationMs: 3_600_000, signal: ac.signal, onFailure });
  try {
    await new Promise((r) => setTimeout(r, 2_000));
    const seconds = await action();
    await new Promise((r) => setTimeout(r, 2_000));
    return { seconds, load: await (ac.abort(), load) };
  } finally {
    ac.abort();
    await load.catch(() => {});
  }
}
