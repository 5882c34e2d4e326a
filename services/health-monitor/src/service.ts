/** The health-monitor: heartbeats and status into Redis, node sync answers, and the node-liveness sweep. */
import { periodic, untilAborted } from "@tug/runtime";
import type { ServiceDeps, ServiceParts } from "@tug/service";
import { ingest } from "./ingest.js";
import { type SweepOptions, sweepNodes } from "./sweep.js";
import { serveSync } from "./sync.js";
import { Vigil } from "./vigil.js";

/** Builds the health-monitor's runnables. */
export function buildHealthMonitor({ bus, store, log }: ServiceDeps, o: SweepOptions & { sweepMs: number }): ServiceParts {
  const vigil = new Vigil(Date.now());
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
      periodic("sweep", o.sweepMs, async () => {
        const now = Date.now();
        if (vigil.watching(bus.connected && store.healthy, now, o.nodeGraceMs, Math.max(1_000, 4 * o.sweepMs))) await sweepNodes(store, bus, log, o, now);
      }, (err) => {
        vigil.watching(false, Date.now(), o.nodeGraceMs, 0);
        log.warn({ err: String(err) }, "sweep failed");
      }),
    ],
  };
}
