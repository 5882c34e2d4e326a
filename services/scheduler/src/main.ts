/** Scheduler process entry: the only file that reads the environment. */
import { boot, intEnv, readConfig } from "@tug/service";
import { CAPACITY_REBUILD_MS } from "./capacity-index.js";
import { strategies, type Strategy } from "./plugins/index.js";
import { buildScheduler } from "./service.js";

const config = readConfig("scheduler");
const strategy = config.env.TUG_SCHEDULER_STRATEGY ?? "spread";
if (!(strategy in strategies)) {
  throw new Error(`TUG_SCHEDULER_STRATEGY must be one of ${Object.keys(strategies).join(", ")}, got ${strategy}`);
}
await boot(config, (deps) =>
  buildScheduler(deps, {
    resyncMs: intEnv(config.env, "TUG_RESYNC_MS", 1_000),
    rebuildMs: intEnv(config.env, "TUG_SCHEDULER_REBUILD_MS", CAPACITY_REBUILD_MS),
    strategy: strategy as Strategy,
    holdMs: intEnv(config.env, "TUG_SCHEDULER_HOLD_MS", 0),
  }),
);
