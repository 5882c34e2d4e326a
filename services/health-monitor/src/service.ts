/** The health-monitor: heartbeats and status into Redis, node sync answers, and the node-liveness sweep. */
import type { NodeRecord } from "@tug/contracts";
import { periodic, untilAborted } from "@tug/runtime";
import type { ServiceDeps, ServiceParts } from "@tug/service";
import { advisedBeatMs, stretchedGraceMs } from "./beat-budget.js";
import { ingest } from "./ingest.js";
import { type SweepOptions, sweepNodes } from "./sweep.js";
import { serveSync } from "./sync.js";
import { Vigil } from "./vigil.js";

/** Period of the sweep over every node; the sweeps in between read only the silent ones. */
const FULL_SWEEP_MS = 10_000;

/** Builds the health-monitor's runnables. */
export function buildHealthMonitor(
  { bus, store, log }: ServiceDeps,
  o: SweepOptions & { sweepMs: number; maxBeatsPerSecond: number },
): ServiceParts {
  const vigil = new Vigil(Date.now());
  let lastFull = 0;
  let lastCount = 0;
  // the heartbeat budget: the period asked of every node, and the longest a node announced it beats at
  let advised = 0;
  let announced = 0;
  const graceMs = () => stretchedGraceMs(o.nodeGraceMs, Math.max(advised, announced));
  return {
    runnables: [
      {
        name: "ingest",
        async run(signal) {
          ingest(bus, store, log);
          serveSync(bus, store, () => advised);
          await untilAborted(signal);
        },
      },
      periodic(
        "sweep",
        o.sweepMs,
        async () => {
          const now = Date.now();
          // every FULL_SWEEP_MS: count the nodes (the budget) and look at every one (the safety net); in between
          // the heartbeat index names the silent ones
          let all: NodeRecord[] | undefined;
          if (store.healthy && now - lastCount >= FULL_SWEEP_MS) {
            all = await store.nodes();
            lastCount = now;
            const next = advisedBeatMs(all.length, o.maxBeatsPerSecond);
            if (next !== advised) log.info({ nodes: all.length, periodMs: next }, "heartbeat period asked of nodes");
            advised = next;
            announced = Math.max(0, ...all.map((n) => n.stretchedBeatMs ?? 0));
          }
          const grace = graceMs();
          if (vigil.watching(bus.connected && store.healthy, now, grace, Math.max(1_000, 4 * o.sweepMs))) {
            const full = now - lastFull >= FULL_SWEEP_MS;
            const every = full ? (all ?? (await store.nodes())) : undefined;
            await sweepNodes(store, bus, log, { ...o, nodeGraceMs: grace }, now, every);
            if (full) lastFull = now;
          }
        },
        (err) => {
          vigil.watching(false, Date.now(), graceMs(), 0);
          log.warn({ err: String(err) }, "sweep failed");
        },
      ),
    ],
  };
}
