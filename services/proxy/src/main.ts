/** Proxy entry point: the only file reading the environment (TUG_HEALTH_PORT etc. through readConfig). */
import { boot, intEnv, readConfig } from "@tug/service";
import { DEEP_RESYNC_MS } from "@tug/state";
import { buildProxy } from "./service.js";

const config = readConfig("proxy");
void boot(config, (deps) =>
  buildProxy(deps, {
    syncMs: intEnv(config.env, "TUG_PROXY_SYNC_MS", 500),
    publishMs: intEnv(config.env, "TUG_PROXY_METRICS_MS", 2_000),
    drainMs: intEnv(config.env, "TUG_PROXY_DRAIN_MS", 10_000),
    resyncMs: intEnv(config.env, "TUG_PROXY_RESYNC_MS", 30_000),
    deepResyncMs: intEnv(config.env, "TUG_DEEP_RESYNC_MS", DEEP_RESYNC_MS),
  }),
);
