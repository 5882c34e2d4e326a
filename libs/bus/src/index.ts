/** @tug/bus: NATS connection with typed publish/request/subscribe/serve over the contracts' envelope. */
export * from "./bus.js";
export * from "./creds.js";
