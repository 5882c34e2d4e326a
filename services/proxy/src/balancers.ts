/** The balancer factory: policy name → a fresh balancer. */
import { type Balancer, type BalanceKind, RoundRobin } from "./balancer.js";
import { LeastConnections } from "./least-conn.js";

/** A new, empty balancer of `kind`. */
export function createBalancer(kind: BalanceKind): Balancer {
  return kind === "least-conn" ? new LeastConnections() : new RoundRobin();
}
