/**
 * The NATS identities of the processes `tug up` starts: one per control-plane instance (`<role>-<k>`), one per node
 * (its node id), one per hollow process (`hollow-<i>`, speaking for its nodes), and `cli`, the users' identity the
 * CLI finds in the data dir.
 */
import { CONTROL_PLANE_ROLES } from "../components.js";
import { hollowNodeIds } from "../hollow.js";
import { runsHollow, workerProcesses } from "../hollow-size.js";
import type { ResolvedOptions } from "../options.js";
import type { NatsIdentity } from "./permissions.js";

/** The users' identity (the CLI, `tug chaos run`, the dashboard's registry writes go through the registry's own). */
export const CLI_IDENTITY = "cli";

/** Every identity of a cluster of `nodes` started with `o`. */
export function clusterIdentities(o: ResolvedOptions, nodes: string[]): NatsIdentity[] {
  const control = CONTROL_PLANE_ROLES.flatMap((role) =>
    Array.from({ length: o.replicasPerComponent }, (_, k): NatsIdentity => ({ user: `${role}-${k + 1}`, role })),
  );
  const workers: NatsIdentity[] = runsHollow(o)
    ? Array.from({ length: workerProcesses(o) }, (_, i) => ({
        user: `hollow-${i + 1}`,
        role: "node",
        nodes: hollowNodeIds(o, i),
      }))
    : nodes.map((n) => ({ user: n, role: "node", nodes: [n] }));
  return [...control, ...workers, { user: CLI_IDENTITY, role: "user" }];
}

/**
 * The identity a supervised process connects as: a worker its node, any other Tugboat process its own name
 * (`controller-1`, `hollow-2`); undefined for nats-server and redis-server.
 */
export function identityOf(spec: { name: string; role: string; env?: Record<string, string> }): string | undefined {
  if (spec.role === "worker") return spec.env?.TUG_NODE;
  if (spec.role === "hollow" || (CONTROL_PLANE_ROLES as readonly string[]).includes(spec.role)) return spec.name;
  return undefined;
}
