/** Controller process entry: the only file that reads the environment. */
import { boot, intEnv, readConfig } from "@tug/service";
import { buildController, RECONCILE_DUTY_CYCLE, startIntakeThread } from "./service.js";

const config = readConfig("controller");
await boot(config, async (deps) =>
  buildController(deps, {
    resyncMs: intEnv(config.env, "TUG_RESYNC_MS", 10_000),
    progressMs: intEnv(config.env, "TUG_PROGRESS_MS", 500),
    holdMs: intEnv(config.env, "TUG_CONTROLLER_HOLD_MS", 0),
    dutyCycle: intEnv(config.env, "TUG_RECONCILE_DUTY_PERCENT", RECONCILE_DUTY_CYCLE * 100) / 100,
    intakeThread: await startIntakeThread(deps),
  }),
);
