/** Autoscaler process entry: the only file that reads the environment. */
import { boot, intEnv, readConfig } from "@tug/service";
import { buildAutoscaler } from "./service.js";

const config = readConfig("autoscaler");
await boot(config, (deps) =>
  buildAutoscaler(deps, {
    periodMs: intEnv(config.env, "TUG_AUTOSCALE_PERIOD_MS", 2_000),
    leaseMs: intEnv(config.env, "TUG_LEASE_MS", 2_000),
    holdMs: intEnv(config.env, "TUG_AUTOSCALE_HOLD_MS", 0),
  }),
);
