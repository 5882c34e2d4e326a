/**
 * @tug/client: service discovery for programs that balance on their own. `resolve` asks the registry for a
 * service's ready endpoints, `watch` follows them with blocking queries, `RoundRobinPicker` spreads calls.
 */
export * from "./name.js";
export * from "./view.js";
export * from "./resolve.js";
export * from "./watch.js";
export * from "./picker.js";
