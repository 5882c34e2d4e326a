/**
 * Faults of an `--ha` cluster's infrastructure (`tug chaos run --ha`): SIGKILL of the Redis primary (whichever server
 * the Sentinels name at that instant; a replica takes over and the old primary rejoins as one) and SIGKILL of one of
 * the three NATS servers (its clients reconnect to the other two). The supervisor restarts what was killed.
 */
import type { LocalCluster } from "@tug/cluster";
import type { Prng } from "./prng.js";

/** The `--ha` fault kinds. */
export const HA_FAULT_KINDS = ["kill-redis-primary", "kill-nats-server"] as const;
export type HaFaultKind = (typeof HA_FAULT_KINDS)[number];

/** Relative frequency of each (the other kinds weigh about 100 together). */
export const HA_WEIGHTS: Record<HaFaultKind, number> = { "kill-redis-primary": 8, "kill-nats-server": 8 };

/** The target a kill-redis-primary is drawn with (resolved to `redis-<i>` when delivered). */
const PRIMARY = "redis-primary";

/** Draws a fault's target: the primary, or one of the NATS servers `nats-1`…. */
export function drawHaFault(prng: Prng, kind: HaFaultKind, natsServers: number): { kind: HaFaultKind; target: string } {
  if (kind === "kill-redis-primary") return { kind, target: PRIMARY };
  return { kind, target: `nats-${prng.int(1, natsServers)}` };
}

/** True for the `--ha` kinds. */
export function isHaFault(kind: string): kind is HaFaultKind {
  return (HA_FAULT_KINDS as readonly string[]).includes(kind);
}

/**
 * Delivers one; the target actually hit (`redis-<i>` for the primary) and whether anything was running there. On a
 * cluster without `ha` nothing is done (a replayed fault).
 */
export async function deliverHaFault(
  c: LocalCluster,
  f: { kind: HaFaultKind; target: string },
): Promise<{ target: string; delivered: boolean }> {
  if (!c.ha) return { target: f.target, delivered: false };
  const target = f.kind === "kill-redis-primary" ? await c.redisPrimary().catch(() => undefined) : f.target;
  if (!target || !c.components.some((x) => x.name === target)) return { target: target ?? f.target, delivered: false };
  return { target, delivered: c.kill(target, "SIGKILL") };
}
