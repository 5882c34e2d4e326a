/** Scheduler process entry: the only file that reads the environment. */
import { boot, intEnv, readConfig } from "@tug/service";
import { buildScheduler } from "./service.js";

const config = readConfig("scheduler");
await boot(config, (deps) => buildScheduler(deps, { resyncMs: intEnv(config.env, "TUG_RESYNC_MS", 1_000) }));
