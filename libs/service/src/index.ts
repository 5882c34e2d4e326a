/** @tug/service: process bootstrap shared by every Tugboat process (config, bus + store connection, host). */
export * from "./config.js";
export * from "./boot.js";
export * from "./thread.js";
