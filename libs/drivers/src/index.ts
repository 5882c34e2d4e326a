/** @tug/drivers: how a worker runs replicas (docker, process, fake), behind one small port. */
export * from "./types.js";
export * from "./fake.js";
export * from "./process.js";
export * from "./proc-stats.js";
export * from "./state-file.js";
export * from "./docker.js";
export * from "./docker-spec.js";
export * from "./docker-stats.js";
export * from "./docker-events.js";
export * from "./docker-errors.js";
export * from "./docker-logs.js";
export * from "./log-tail.js";
