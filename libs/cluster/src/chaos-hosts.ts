/**
 * Host faults against a running hosts lab (`tug up --hosts`), found through its cluster.json: partitions (nftables
 * rules inside the hosts' namespaces, both directions), heal, and killing a whole host (its worker and every replica
 * in its namespace), kept down until start-host.
 */
import { TugError } from "@tug/contracts";
import { sleep } from "@tug/runtime";
import type { ChaosResult } from "./chaos.js";
import type { ClusterFile } from "./cluster-file.js";
import { holdRestart, MAX_HOLD_MS, releaseHold } from "./holds.js";
import type { Lab, LabHost } from "./hosts/lab.js";
import { allHosts, allPeers, controlPlanePeers, killNamespace } from "./hosts/lab.js";
import { cut, cutPeers, uncut, uncutPeers } from "./hosts/partition.js";

/** Name `--from` accepts for the control plane (the bridge address and, with `--ha`, the control-plane hosts). */
export const CONTROL_PLANE_PEER = "control-plane";

/** The lab of a cluster file, or a clear error when the cluster runs none. */
export function labOf(f: ClusterFile): Lab {
  if (!f.lab) {
    const hint = "start it with `tug up --hosts N`";
    throw new TugError("VALIDATION_FAILED", `the cluster at ${f.dataDir} runs no hosts lab; ${hint}`, "data-dir");
  }
  return f.lab;
}

function hostOf(lab: Lab, node: string): LabHost {
  const h = allHosts(lab).find((x) => x.node === node);
  if (!h) {
    const hosts = allHosts(lab)
      .map((x) => x.node)
      .join(", ");
    throw new TugError("NOT_FOUND", `${node} is not a host of this lab (hosts: ${hosts})`, "host");
  }
  return h;
}

/** Addresses of `from` (host names or `control-plane`); by default the control plane and every other host. */
function peersOf(lab: Lab, host: LabHost, from?: readonly string[]): string[] {
  if (!from || from.length === 0) return allPeers(lab, host);
  const peers = from.flatMap((name) => {
    if (name === CONTROL_PLANE_PEER) return controlPlanePeers(lab, host);
    const peer = hostOf(lab, name);
    if (peer === host) throw new TugError("VALIDATION_FAILED", `cannot partition ${name} from itself`, "from");
    return [peer.address];
  });
  return [...new Set(peers)];
}

/** Options of partitionHost. */
export interface PartitionOptions {
  /** Only these hosts (or `control-plane`); default the control plane and every other host. */
  from?: string[];
  /** Heal after this long (waits). */
  seconds?: number;
  /** Aborting the wait heals early. */
  signal?: AbortSignal;
  progress?: (line: string) => void;
}

/**
 * Drops all traffic between `node` and the rest of the cluster (or only the `from` hosts), both directions. With
 * `seconds`, waits that long (or until `signal` aborts) and heals that cut; otherwise it stays until `healHosts`.
 */
export async function partitionHost(f: ClusterFile, node: string, o: PartitionOptions = {}): Promise<ChaosResult> {
  const lab = labOf(f);
  const host = hostOf(lab, node);
  const peers = peersOf(lab, host, o.from);
  const all = await cut(host.namespace, peers);
  const line = `partitioned ${node} (${host.address}) from ${peers.join(", ")} (cut now: ${all.join(", ")})`;
  if (o.seconds === undefined) return { actions: [line] };
  o.progress?.(`${line} for ${o.seconds} s`);
  try {
    await sleep(o.seconds * 1000, o.signal);
  } catch {
    /* aborted: heal early */
  }
  await uncutPeers(host.namespace, peers);
  return { actions: [line, `healed ${node} after ${o.signal?.aborted ? "an interrupted wait" : `${o.seconds} s`}`] };
}

/** Removes every partition rule of `node` (also the cuts other hosts have towards it), or of every host. */
export async function healHosts(f: ClusterFile, node?: string): Promise<ChaosResult> {
  const lab = labOf(f);
  const targets = node ? [hostOf(lab, node)] : allHosts(lab);
  const actions: string[] = [];
  for (const h of targets) {
    const had = await cutPeers(h.namespace);
    await uncut(h.namespace);
    if (had.length) actions.push(`healed ${h.node} (was cut from ${had.join(", ")})`);
    if (!node) continue;
    for (const other of allHosts(lab).filter((x) => x !== h)) {
      if ((await cutPeers(other.namespace)).includes(h.address)) {
        await uncutPeers(other.namespace, [h.address]);
        actions.push(`healed ${other.node}'s cut towards ${h.node}`);
      }
    }
  }
  return { actions: actions.length ? actions : ["no partition to heal"] };
}

/**
 * SIGKILLs every process of host `node` (its worker and all its replicas); the worker stays down until startHost. A
 * control-plane host's servers and components (`--ha`) are restarted by the supervisor, like a machine that rebooted.
 */
export async function killHost(f: ClusterFile, node: string): Promise<ChaosResult> {
  const lab = labOf(f);
  const host = hostOf(lab, node);
  if (lab.controlPlane?.includes(host)) {
    const pids = await killNamespace(host.namespace);
    return { actions: [`killed ${pids.length} process(es) in ${host.namespace} (${node}); they are restarted`] };
  }
  holdRestart(f.dataDir, `worker-${node}`, MAX_HOLD_MS);
  const pids = await killNamespace(host.namespace);
  const until = `it stays down until \`tug chaos start-host ${node}\``;
  return { actions: [`killed ${pids.length} process(es) in ${host.namespace} (${node}); ${until}`] };
}

/** Lets the supervisor start host `node`'s worker again (it adopts nothing: its replicas died with the host). */
export function startHost(f: ClusterFile, node: string): ChaosResult {
  hostOf(labOf(f), node);
  releaseHold(f.dataDir, `worker-${node}`);
  return { actions: [`${node} may start again; its worker is restarted within a second`] };
}
