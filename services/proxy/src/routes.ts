/**
 * Pure computation of what the proxy serves: published port → service and its ready endpoints (the endpoint rule
 * of libs/contracts, shared with the registry and DNS).
 */
import { type DeploymentRecord, endpointsOf, type NodeRecord, type ReplicaRecord } from "@tug/contracts";
import type { BalanceKind, Target } from "./balancer.js";

/** One published port and where its traffic goes. */
export interface Route {
  port: number;
  /** Deployment id `ns/name`. */
  service: string;
  targets: Target[];
  /** Balancing policy of the port (`ports[].balance`). */
  balance: BalanceKind;
}

/** One published port's owner and policy. */
export interface PublishedPort {
  service: string;
  balance: BalanceKind;
}

/** Published ports of each deployment; a port claimed twice goes to the first deployment by id. */
export function publishedPorts(deployments: readonly DeploymentRecord[]): Map<number, PublishedPort> {
  const out = new Map<number, PublishedPort>();
  for (const d of [...deployments].sort((a, b) => a.id.localeCompare(b.id))) {
    for (const p of d.template.ports ?? []) {
      if (p.published !== undefined && !out.has(p.published))
        out.set(p.published, { service: d.id, balance: p.balance ?? "round-robin" });
    }
  }
  return out;
}

/** The ready targets of every deployment (the shared endpoint rule), keyed by deployment id. */
export function targetsByService(
  replicas: readonly ReplicaRecord[],
  nodes: readonly NodeRecord[],
): Map<string, Target[]> {
  const byDeployment = new Map<string, ReplicaRecord[]>();
  for (const r of replicas) byDeployment.set(r.deployment, [...(byDeployment.get(r.deployment) ?? []), r]);
  const out = new Map<string, Target[]>();
  for (const [id, reps] of byDeployment) {
    const eps = endpointsOf(reps, nodes);
    if (eps.length)
      out.set(
        id,
        eps.map((e) => ({ key: e.replica, host: e.host, port: e.port })),
      );
  }
  return out;
}

/** The full route table from store records. */
export function routeTable(
  deployments: readonly DeploymentRecord[],
  replicas: readonly ReplicaRecord[],
  nodes: readonly NodeRecord[],
): Route[] {
  const targets = targetsByService(replicas, nodes);
  return [...publishedPorts(deployments)].map(([port, { service, balance }]) => ({
    port,
    service,
    balance,
    targets: targets.get(service) ?? [],
  }));
}
