/** Samples a deployment's replica records every `periodMs` and keeps the extremes (rollout invariants, design §5.5). */
import type { RedisStore } from "@tug/state";

/** Extremes seen so far. */
export interface Extremes {
  samples: number;
  /** Most replicas that should run and are bound to a node, at one instant. */
  maxRunning: number;
  /** Fewest ready replicas that should run, at one instant. */
  minReady: number;
}

/** A running sampler; `stop()` ends it and returns the extremes. */
export interface Sampler {
  stop(): Promise<Extremes>;
  readonly extremes: Extremes;
}

/** Starts sampling deployment `id`. Each sample is one read of the replica records (an instant of the truth). */
export function sampleReplicas(store: RedisStore, id: string, periodMs = 100): Sampler {
  const extremes: Extremes = { samples: 0, maxRunning: 0, minReady: Number.POSITIVE_INFINITY };
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const rs = await store.replicasOfDeployment(id).catch(() => undefined);
      if (rs) {
        const run = rs.filter((r) => r.desired === "run");
        extremes.samples++;
        extremes.maxRunning = Math.max(extremes.maxRunning, run.filter((r) => r.node !== null).length);
        extremes.minReady = Math.min(extremes.minReady, run.filter((r) => r.ready).length);
      }
      await new Promise((r) => setTimeout(r, periodMs));
    }
  })();
  return {
    extremes,
    stop: async () => {
      stopped = true;
      await loop;
      return extremes;
    },
  };
}
