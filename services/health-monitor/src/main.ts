/** Health-monitor process entry: the only file that reads the environment. */
import { boot, intEnv, readConfig } from "@tug/service";
import { buildHealthMonitor } from "./service.js";

const config = readConfig("health-monitor");
await boot(config, (deps) =>
  buildHealthMonitor(deps, {
    nodeGraceMs: intEnv(config.env, "TUG_NODE_GRACE_MS", 2_000),
    lostGraceMs: intEnv(config.env, "TUG_LOST_GRACE_MS", 1_000),
    sweepMs: intEnv(config.env, "TUG_SWEEP_MS", 200),
    maxBeatsPerSecond: intEnv(config.env, "TUG_MAX_HEARTBEATS_PER_SECOND", 500),
  }),
);
