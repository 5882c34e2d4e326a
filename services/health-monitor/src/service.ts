/** The health-monitor: heartbeats and status into Redis, node sync answers, and the node-liveness sweep. */
import { periodic, untilAborted } from "@tug/runtime";
import type { ServiceDeps, ServiceParts } from "@tug/service";
import { ingest } from "./ingest.js";
import { type SweepOptions, sweepNodes } from "./sweep.js";
import { serveSync } from "./sync.js";

/** Builds the health-monitor's runnables. */
export function buildHealthMonitor({ bus, store, log }: ServiceDeps, o: SweepOptions & { sweepMs: number }): ServiceParts {
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
      periodic("sweep", o.sweepMs, () => sweepNodes(store, bus, log, o), (err) => log.warn({ err: String(err) }, "sweep failed")),
    ],
  };
}
