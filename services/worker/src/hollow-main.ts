/**
 * Hollow-nodes entry point (`tug hollow`, and `tug up --driver fake` at large sizes): TUG_HOLLOW_NODES fake nodes
 * named `<TUG_HOLLOW_PREFIX>-<TUG_HOLLOW_FIRST + i>` in this one process. The worker's settings come from the same
 * variables as a worker's (TUG_NODE_CPU, TUG_NODE_MEMORY, TUG_NODE_LABELS, TUG_HEARTBEAT_MS, …) with calmer defaults
 * for the periodic traffic of thousands of nodes: heartbeat 1 s, sync 30 s (assignment hints sync at once).
 */
import { bootWithoutStore, intEnv, readConfig } from "@tug/service";
import { workerConfig } from "./config.js";
import { buildHollow } from "./hollow.js";

const base = readConfig("hollow");
const env = process.env;
const nodes = intEnv(env, "TUG_HOLLOW_NODES", 100);
const first = intEnv(env, "TUG_HOLLOW_FIRST", 1);
const prefix = env.TUG_HOLLOW_PREFIX || "hollow";
if (!(Number.isInteger(nodes) && nodes >= 1 && nodes <= 100_000)) {
  throw new Error(`TUG_HOLLOW_NODES must be an integer in 1..100000, got ${nodes}`);
}
const shared = workerConfig(
  base,
  {
    TUG_HEARTBEAT_MS: "1000",
    TUG_SYNC_MS: "30000",
    ...env,
    TUG_NODE: `${prefix}-${first}`,
    TUG_DRIVER: "fake",
  },
  process.cwd(),
);
void bootWithoutStore(base, (deps) =>
  buildHollow(deps, {
    nodes,
    instance: base.instance,
    name: (i) => `${prefix}-${first + i}`,
    base: {
      ...shared,
      statusMs: intEnv(env, "TUG_HOLLOW_STATUS_MS", 10_000),
      statusFullMs: intEnv(env, "TUG_HOLLOW_STATUS_FULL_MS", 60_000),
      metricsMs: intEnv(env, "TUG_HOLLOW_METRICS_MS", 10_000),
    },
  }),
);
