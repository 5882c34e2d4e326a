/** The health-monitor: heartbeats and status into Redis, node sync answers, and the node-liveness sweep. */
import { periodic, untilAborted } from "@tug/runtime";
import type { ServiceDeps, ServiceParts } from "@tug/service";
import { ingest } from "./ingest.js";
import { type SweepOptions, sweepNodes } from "./sweep.js";
import { serveSync } from "./sync.js";
import { Vigil } from "./vigil.js";

/** Period of the sweep over every node; the sweeps in between read only the silent ones. */
const FULL_SWEEP_MS = 10_000;

/** Builds the health-monitor's runnables. */
export function buildHealthMonitor(
  { bus, store, log }: ServiceDeps,
  o: SweepOptions & { sweepMs: number },
): ServiceParts {
  const vigil = new Vigil(Date.now());
  let lastFull = 0;
  return {
    runnables: [
      {
        name: "ingest",
        async run(signal) {
          ingest(bus, store, log);
          serveSync(bus, store);
          await untilAborted(signal);
        },
      },
      periodic(
        "sweep",
        o.sweepMs,
        async () => {
          const now = Date.now();
          // the heartbeat index names the silent nodes; every FULL_SWEEP_MS every node is looked at (the safety net)
          const full = now - lastFull >= FULL_SWEEP_MS;
          if (vigil.watching(bus.connected && store.healthy, now, o.nodeGraceMs, Math.max(1_000, 4 * o.sweepMs))) {
            await sweepNodes(store, bus, log, o, now, full);
            if (full) lastFull = now;
          }
        },
        (err) => {
          vigil.watching(false, Date.now(), o.nodeGraceMs, 0);
          log.warn({ err: String(err) }, "sweep failed");
        },
      ),
    ],
  };
}
