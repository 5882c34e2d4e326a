/** @tug/testkit: real servers as child processes, eventually(), builders and the system harness. */
export * from "./servers.js";
export * from "./eventually.js";
export * from "./system.js";
export * from "./docker.js";
export * from "./skip.js";
export * from "./records.js";
export * from "./seed.js";
export * from "./manifests.js";
