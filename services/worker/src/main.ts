/** Worker entry point: the only file that reads the environment. */
import { bootWithoutStore, readConfig } from "@tug/service";
import { workerConfig } from "./config.js";
import { buildWorker } from "./service.js";

const base = readConfig("worker");
void bootWithoutStore(base, (deps) => buildWorker(deps, workerConfig(base, process.env, process.cwd())));
