/** Worker entry point: the only file that reads the environment. */
import { boot, readConfig } from "@tug/service";
import { workerConfig } from "./config.js";
import { buildWorker } from "./service.js";

const base = readConfig("worker");
void boot(base, (deps) => buildWorker(deps, workerConfig(base, process.env, process.cwd())), { withStore: false });
