/**
 * Network partitions of the hosts lab, as Jepsen makes them: nftables rules *inside* a host's namespace that drop
 * every packet to and from a set of peer addresses, in both directions (table `inet tug_chaos`, set `peers`). The
 * root namespace's firewall is never touched, and deleting the namespace deletes the rules.
 */
import { inNamespace } from "./run.js";

/** Name of the lab's nftables table inside a namespace. */
export const CHAOS_TABLE = "tug_chaos";

/** The ruleset that drops all traffic between the namespace and `peers` (IPv4 addresses). */
export function partitionRuleset(peers: readonly string[]): string {
  return [
    `table inet ${CHAOS_TABLE} {`,
    `  set peers { type ipv4_addr; elements = { ${peers.join(", ")} } }`,
    "  chain in { type filter hook input priority -10; policy accept; ip saddr @peers drop; }",
    "  chain out { type filter hook output priority -10; policy accept; ip daddr @peers drop; }",
    "}",
  ].join("\n");
}

/** The peers a namespace is cut off from now (empty when it has no partition table). */
export async function cutPeers(ns: string): Promise<string[]> {
  let raw: string;
  try {
    raw = await inNamespace(ns, ["nft", "-j", "list", "set", "inet", CHAOS_TABLE, "peers"]);
  } catch {
    return [];
  }
  const items = (JSON.parse(raw) as { nftables?: Array<{ set?: { elem?: unknown[] } }> }).nftables ?? [];
  return items.flatMap((i) => i.set?.elem ?? []).filter((e): e is string => typeof e === "string");
}

/** Cuts namespace `ns` off from `peers` on top of any cut it already has; returns the full set of cut peers. */
export async function cut(ns: string, peers: readonly string[]): Promise<string[]> {
  const all = [...new Set([...(await cutPeers(ns)), ...peers])].sort();
  await uncut(ns);
  if (all.length) await inNamespace(ns, ["nft", "-f", "-"], partitionRuleset(all));
  return all;
}

/** Removes the partition rules of `ns` (idempotent). */
export async function uncut(ns: string): Promise<void> {
  try {
    await inNamespace(ns, ["nft", "delete", "table", "inet", CHAOS_TABLE]);
  } catch (err) {
    if (!/no such file|does not exist|not found/i.test((err as Error).message)) throw err;
  }
}

/** Removes `peers` from the cut of `ns` (the table goes when no peer is left). */
export async function uncutPeers(ns: string, peers: readonly string[]): Promise<void> {
  const before = await cutPeers(ns);
  const left = before.filter((p) => !peers.includes(p));
  if (left.length === before.length) return;
  await uncut(ns);
  if (left.length) await inNamespace(ns, ["nft", "-f", "-"], partitionRuleset(left));
}
