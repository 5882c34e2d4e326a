/**
 * The store as the services see it: every public operation of RedisStore (reads, the Lua transitions, events,
 * leases), as a type. Services depend on this, not on the class, so a test can hand them anything that keeps the
 * same contract; only libs/state builds the real one.
 */
import type { RedisStore } from "./store.js";

/** The store's contract (RedisStore's public members). */
export type StateStore = { [K in keyof RedisStore]: RedisStore[K] };
