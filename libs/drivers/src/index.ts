/** @tug/drivers: how a worker runs replicas (process, fake; docker later), behind one small port. */
export * from "./types.js";
export * from "./fake.js";
export * from "./process.js";
export * from "./proc-stats.js";
export * from "./state-file.js";
