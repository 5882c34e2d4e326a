/**
 * The reconcile loops' store gate (`ReconcileLoopOptions.storeGate` of @tug/runtime) for a store: a failure counts
 * as "the store takes no writes" when it is STORE_UNAVAILABLE (a refused or unconfirmed write, a connection closed or
 * failing over), and the probe is a marker write confirmed as every write is (`confirmCurrent`).
 */
import { toTugError } from "@tug/contracts";
import type { StateStore } from "./state-store.js";

/** `store`'s gate: `unavailable(err)` for store failures, `probe()` resolving once a write would be acknowledged. */
export function storeGate(store: Pick<StateStore, "confirmCurrent">): {
  unavailable(err: unknown): boolean;
  probe(): Promise<void>;
} {
  return {
    unavailable: (err) => toTugError(err).code === "STORE_UNAVAILABLE",
    probe: () => store.confirmCurrent(),
  };
}
