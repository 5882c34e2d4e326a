/**
 * Redis key builders: the only place key names are spelled. Every key starts with the store's prefix, so tests
 * (and several clusters) can share one Redis.
 */
export function keys(prefix: string) {
  const p = prefix;
  return {
    prefix: p,
    deployment: (id: string) => `${p}:dep:${id}`,
    deployments: `${p}:deps`,
    revisions: (id: string) => `${p}:revs:${id}`,
    replica: (id: string) => `${p}:rep:${id}`,
    replicas: `${p}:reps`,
    deploymentReplicas: (id: string) => `${p}:dep-reps:${id}`,
    nodeReplicas: (node: string) => `${p}:node-reps:${node}`,
    pending: `${p}:pending`,
    node: (id: string) => `${p}:node:${id}`,
    nodes: `${p}:nodes`,
    /** zset: node id → time of its last heartbeat (the liveness sweep reads only the silent ones). */
    heartbeats: `${p}:beats`,
    events: `${p}:events`,
    endpointsIndex: `${p}:ep-index`,
    lease: (role: string) => `${p}:lease:${role}`,
    fence: (role: string) => `${p}:fence:${role}`,
    /**
     * hash: deployment id → its change stamp, drawn from one sequence (field ""): every script that changes what a
     * reconcile of the deployment reads stamps it (lua/_stamp.lua)
     */
    stamps: `${p}:stamps`,
    /** counter every durable write bumps right after its script, so WAIT covers all it saw (durable.ts) */
    durable: `${p}:durable`,
  };
}

/** The key set of one store. */
export type Keys = ReturnType<typeof keys>;
