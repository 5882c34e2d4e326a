/** @tug/contracts: the shared vocabulary of Tugboat (subjects, envelope, codec, manifest, records, errors). */
export * from "./subjects.js";
export * from "./errors.js";
export * from "./codec.js";
export * from "./envelope.js";
export * from "./request-expiry.js";
export * from "./quantity.js";
export * from "./manifest.js";
export * from "./kubernetes.js";
export * from "./model.js";
export * from "./messages.js";
export * from "./validate.js";
export * from "./endpoints.js";
export * from "./node-record.js";
export * from "./env.js";
export * from "./api.js";
export * from "./roles.js";
