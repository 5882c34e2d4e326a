/**
 * Host faults of a chaos run on a hosts lab (`tug chaos run --hosts N`): network partitions (nftables inside a
 * host's namespace, both directions, healed after a drawn duration) and kill-host (SIGKILL of every process in a
 * host's namespace; the supervisor restarts its worker, like a machine that rebooted).
 */
import { allHosts, allPeers, controlPlanePeers, cut, killNamespace, type Lab, type LabHost, uncut } from "@tug/cluster";
import type { Prng } from "./prng.js";

/** Host fault kinds. */
export const HOST_FAULT_KINDS = ["partition-host", "kill-host"] as const;
export type HostFaultKind = (typeof HOST_FAULT_KINDS)[number];

/** Relative frequency of each host fault (the other kinds weigh 100 together). */
export const HOST_WEIGHTS: Record<HostFaultKind, number> = { "partition-host": 40, "kill-host": 5 };

/** The peer name of the control plane in a partition target (`host-2/control-plane` cuts only that link). */
const CONTROL_PLANE = "control-plane";

/**
 * The peer name of the other control-plane hosts (`cp-1/cp-peers`, `--ha`): the host keeps its clients (the root
 * namespace, the node hosts) and loses the other servers of its cluster, as a minority does.
 */
export const CP_PEERS = "cp-peers";

/**
 * A drawn host fault: target `<host>` (cut from all), `<host>/control-plane` or `<host>/cp-peers`; `pauseMs` =
 * partition length.
 */
export interface HostFaultDraw {
  kind: HostFaultKind;
  target: string;
  pauseMs?: number;
}

/** Draws the target (and the partition's length: 1–8 s, a quarter of them from the control plane only). */
export function drawHostFault(prng: Prng, kind: HostFaultKind, lab: Lab): HostFaultDraw {
  const host = prng.pick(lab.hosts.map((h) => h.node));
  if (kind === "kill-host") return { kind, target: host };
  const onlyControlPlane = prng.next() < 0.25;
  return { kind, target: onlyControlPlane ? `${host}/${CONTROL_PLANE}` : host, pauseMs: prng.int(1_000, 8_000) };
}

/** Partitions in force: host → the timer that heals it. */
export type Cuts = Map<string, NodeJS.Timeout>;

/** Delivers one host fault; false when its target is already cut off (or, for kill-host, runs nothing). */
export async function deliverHostFault(lab: Lab, f: HostFaultDraw, cuts: Cuts): Promise<boolean> {
  const [node, only] = f.target.split("/") as [string, string | undefined];
  const host = allHosts(lab).find((h) => h.node === node);
  if (!host) return false;
  if (f.kind === "kill-host") return (await killNamespace(host.namespace)).length > 0;
  if (cuts.has(node)) return false;
  await cut(host.namespace, peersOf(lab, host, only));
  cuts.set(
    node,
    setTimeout(() => void healOne(lab, node, cuts), f.pauseMs ?? 1_000),
  );
  return true;
}

/** The addresses a partition of `host` cuts it from: everyone, the control plane, or the other control-plane hosts. */
function peersOf(lab: Lab, host: LabHost, only: string | undefined): string[] {
  if (only === CONTROL_PLANE) return controlPlanePeers(lab, host);
  if (only === CP_PEERS) return (lab.controlPlane ?? []).filter((h) => h !== host).map((h) => h.address);
  return allPeers(lab, host);
}

/** Heals every partition in force (at the end of a run). */
export async function healAll(lab: Lab, cuts: Cuts): Promise<void> {
  await Promise.all([...cuts.keys()].map((node) => healOne(lab, node, cuts)));
}

/** Removes the cut of `node`; it counts as in force until its rules are gone, so no new cut races the removal. */
async function healOne(lab: Lab, node: string, cuts: Cuts): Promise<void> {
  clearTimeout(cuts.get(node));
  const host = allHosts(lab).find((h) => h.node === node);
  if (host) await uncut(host.namespace).catch(() => {});
  cuts.delete(node);
}
