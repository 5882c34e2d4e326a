/** @tug/chaos: the chaos runner — seeded workload, seeded faults, continuous invariant checks, a report. */
export * from "./prng.js";
export * from "./options.js";
export * from "./ledger.js";
export * from "./manifests.js";
export * from "./intake.js";
export * from "./workload.js";
export * from "./faults.js";
export * from "./violations.js";
export * from "./snapshot.js";
export * from "./checks.js";
export * from "./orphans.js";
export * from "./presence.js";
export * from "./converge.js";
export * from "./monitor.js";
export * from "./report.js";
export * from "./replay.js";
export * from "./run.js";
