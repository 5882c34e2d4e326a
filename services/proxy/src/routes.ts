/**
 * Pure computation of what the proxy serves: published port → service and its ready endpoints. The endpoint rule
 * is the registry's: desired run, ready, a host port, bound to a Ready node.
 */
import type { DeploymentRecord, NodeRecord, ReplicaRecord } from "@tug/contracts";
import type { Target } from "./balancer.js";

/** One published port and where its traffic goes. */
export interface Route {
  port: number;
  /** Deployment id `ns/name`. */
  service: string;
  targets: Target[];
}

/** Published ports of each deployment; a port claimed twice goes to the first deployment by id. */
export function publishedPorts(deployments: readonly DeploymentRecord[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const d of [...deployments].sort((a, b) => a.id.localeCompare(b.id))) {
    for (const p of d.template.ports ?? []) {
      if (p.published !== undefined && !out.has(p.published)) out.set(p.published, d.id);
    }
  }
  return out;
}

/** The ready targets of every deployment, keyed by deployment id. */
export function targetsByService(replicas: readonly ReplicaRecord[], nodes: readonly NodeRecord[]): Map<string, Target[]> {
  const ready = new Set(nodes.filter((n) => n.status === "Ready").map((n) => n.id));
  const out = new Map<string, Target[]>();
  for (const r of replicas) {
    if (r.desired !== "run" || !r.ready || !r.hostPort || !r.node || !ready.has(r.node)) continue;
    const host = r.host ?? nodes.find((n) => n.id === r.node)!.address;
    const list = out.get(r.deployment) ?? [];
    list.push({ key: r.id, host, port: r.hostPort });
    out.set(r.deployment, list);
  }
  return out;
}

/** The full route table from store records. */
export function routeTable(deployments: readonly DeploymentRecord[], replicas: readonly ReplicaRecord[], nodes: readonly NodeRecord[]): Route[] {
  const targets = targetsByService(replicas, nodes);
  return [...publishedPorts(deployments)].map(([port, service]) => ({ port, service, targets: targets.get(service) ?? [] }));
}
