/** @tug/cluster: process supervisor and the local all-in-one cluster behind `tug up` and the system tests. */
export * from "./ports.js";
export * from "./lines.js";
export * from "./restart-policy.js";
export * from "./supervisor.js";
export * from "./strays.js";
export * from "./procfs.js";
export * from "./options.js";
export * from "./components.js";
export * from "./cluster.js";
export * from "./cluster-file.js";
export * from "./holds.js";
export * from "./chaos.js";
export * from "./manifests.js";
export * from "./format.js";
export * from "./up.js";
export * from "./join.js";
