/** Registry entry point: the only file reading the environment. */
import { boot, intEnv, readConfig } from "@tug/service";
import { buildRegistry } from "./service.js";

const config = readConfig("registry");
void boot(config, (deps) => buildRegistry(deps, {
  apiHost: config.env.TUG_API_HOST || "127.0.0.1",
  apiPort: intEnv(config.env, "TUG_API_PORT", 7070),
}));
