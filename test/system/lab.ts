/** Helpers for hosts-lab system tests: the namespaces' process lists (the truth), endpoints and nodes from the API. */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { allHosts, type Lab, labFile, namespacePids, readEnviron } from "@tug/cluster";
import type { Endpoint } from "@tug/contracts";

/** One replica process found inside a lab host's namespace. */
export interface LabProcess {
  node: string;
  pid: number;
  replica: string;
}

/** Every replica process in every namespace of `lab` (a process with TUG_REPLICA_ID in its environment). */
export async function labReplicaProcesses(lab: Lab): Promise<LabProcess[]> {
  const out: LabProcess[] = [];
  for (const h of lab.hosts) {
    for (const pid of await namespacePids(h.namespace)) {
      const id = readEnviron(pid).find((e) => e.startsWith("TUG_REPLICA_ID="));
      if (id) out.push({ node: h.node, pid, replica: id.slice("TUG_REPLICA_ID=".length) });
    }
  }
  return out;
}

/** Replica processes of deployment `name` (ids are `<name>-<revision>-<suffix>`). */
export function ofDeployment(ps: readonly LabProcess[], name: string): LabProcess[] {
  return ps.filter((p) => new RegExp(`^${name}-\\d+-`).test(p.replica));
}

/** Ready endpoints of `default/<name>`. */
export async function endpointsOf(apiUrl: string, name: string): Promise<Endpoint[]> {
  const res = await fetch(`${apiUrl}/v1/services/default/${name}`, { signal: AbortSignal.timeout(3_000) });
  if (!res.ok) return [];
  return ((await res.json()) as { endpoints: Endpoint[] }).endpoints.filter((e) => e.ready);
}

/** A node as the API shows it (the fields the tests read). */
export interface NodeState {
  status: string;
  address: string;
  instance: string;
}

/** node id → status. */
export async function nodeStatuses(apiUrl: string): Promise<Map<string, NodeState>> {
  const res = await fetch(`${apiUrl}/v1/nodes`, { signal: AbortSignal.timeout(3_000) });
  const items = ((await res.json()) as { items: Array<NodeState & { id: string }> }).items;
  return new Map(items.map((n) => [n.id, n]));
}

/** What of `lab` is still on the machine: namespaces, links, the record file. Empty when all is gone. */
export function labLeftovers(lab: Lab, dataDir: string): string[] {
  const ns = execFileSync("ip", ["netns", "list"], { encoding: "utf8" });
  const links = execFileSync("ip", ["-o", "link", "show"], { encoding: "utf8" });
  const tables = execFileSync("nft", ["list", "tables"], { encoding: "utf8" });
  return [
    ...[...allHosts(lab).map((h) => h.namespace), ...(lab.switch ? [lab.switch] : [])]
      .filter((n) => ns.includes(n))
      .map((n) => `namespace ${n}`),
    ...[lab.bridge, ...(lab.uplink ? [lab.uplink] : []), ...allHosts(lab).map((h) => h.veth)]
      .filter((l) => new RegExp(`\\b${l}\\b`).test(links))
      .map((l) => `link ${l}`),
    ...(tables.includes("tug_chaos") ? ["nft table tug_chaos in the root namespace"] : []),
    ...(existsSync(labFile(dataDir)) ? [labFile(dataDir)] : []),
  ];
}
