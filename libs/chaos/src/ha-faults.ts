/**
 * Faults of an `--ha` cluster's infrastructure (`tug chaos run --ha`): SIGKILL of the Redis primary (whichever server
 * the Sentinels name at that instant; a replica takes over and the old primary rejoins as one) and SIGKILL of one of
 * the three NATS servers (its clients reconnect to the other two). The supervisor restarts what was killed. On a
 * hosts lab (`--ha --hosts`) also partitions of the control-plane host of the Redis primary or of one NATS server:
 * cut from everyone, or from the other control-plane hosts only (a minority that its clients still reach).
 */
import type { LocalCluster } from "@tug/cluster";
import { CP_PEERS, type Cuts, deliverHostFault } from "./host-faults.js";
import type { Prng } from "./prng.js";

/** The `--ha` fault kinds (the partitions only on a hosts lab). */
export const HA_FAULT_KINDS = [
  "kill-redis-primary",
  "kill-nats-server",
  "partition-redis-primary",
  "partition-nats-server",
] as const;
export type HaFaultKind = (typeof HA_FAULT_KINDS)[number];

/** The `--ha` kinds that need a hosts lab. */
export const HA_PARTITION_KINDS: readonly HaFaultKind[] = ["partition-redis-primary", "partition-nats-server"];

/** Relative frequency of each (the other kinds weigh about 100 together). */
export const HA_WEIGHTS: Record<HaFaultKind, number> = {
  "kill-redis-primary": 8,
  "kill-nats-server": 8,
  "partition-redis-primary": 8,
  "partition-nats-server": 8,
};

/** The target a kill-redis-primary is drawn with (resolved to `redis-<i>` when delivered). */
const PRIMARY = "redis-primary";

/** A drawn `--ha` fault; a partition's target may end in `/cp-peers`, and it lasts `pauseMs`. */
export interface HaFaultDraw {
  kind: HaFaultKind;
  target: string;
  pauseMs?: number;
}

/**
 * Draws a fault's target: the primary, or one of the NATS servers `nats-1`…; a partition cuts its host from the
 * other control-plane hosts only in half the draws, and lasts 2–10 s.
 */
export function drawHaFault(prng: Prng, kind: HaFaultKind, natsServers: number): HaFaultDraw {
  const server = kind.endsWith("redis-primary") ? PRIMARY : `nats-${prng.int(1, natsServers)}`;
  if (kind.startsWith("kill-")) return { kind, target: server };
  const minority = prng.next() < 0.5;
  return { kind, target: minority ? `${server}/${CP_PEERS}` : server, pauseMs: prng.int(2_000, 10_000) };
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
  f: HaFaultDraw,
  cuts: Cuts,
): Promise<{ target: string; delivered: boolean }> {
  if (!c.ha) return { target: f.target, delivered: false };
  const [server, only] = f.target.split("/") as [string, string | undefined];
  const target = server === PRIMARY ? await c.redisPrimary().catch(() => undefined) : server;
  if (!target || !c.components.some((x) => x.name === target)) return { target: target ?? f.target, delivered: false };
  if (f.kind.startsWith("kill-")) return { target, delivered: c.kill(target, "SIGKILL") };
  // server i runs on control-plane host cp-i
  const host = `cp-${target.split("-").pop()}`;
  const hostTarget = only ? `${host}/${only}` : host;
  if (!c.lab?.controlPlane) return { target: hostTarget, delivered: false };
  const delivered = await deliverHostFault(
    c.lab,
    { kind: "partition-host", target: hostTarget, pauseMs: f.pauseMs },
    cuts,
  ).catch(() => false);
  return { target: `${hostTarget} (${target})`, delivered };
}
