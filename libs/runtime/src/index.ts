/** @tug/runtime: Runnable host, signals, work queue, reconcile loop, clock. */
export * from "./runnable.js";
export * from "./work-queue.js";
export * from "./reconcile.js";
export * from "./host.js";
export * from "./clock.js";
export * from "./hold.js";
export * from "./http-request.js";
export * from "./gate.js";
