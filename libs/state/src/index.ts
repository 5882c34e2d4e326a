/** @tug/state: key builders, Lua transitions and RedisStore, the only code touching Redis. */
export * from "./keys.js";
export * from "./store.js";
export * from "./connection.js";
export * from "./acl.js";
export * from "./durable.js";
export * from "./promotable.js";
export * from "./sentinel.js";
export * from "./store-gate.js";
export * from "./primary-watch.js";
export * from "./records.js";
export * from "./scripts.js";
export * from "./endpoint-cache.js";
export * from "./state-store.js";
export * from "./secret-box.js";
export * from "./acl-admin.js";
