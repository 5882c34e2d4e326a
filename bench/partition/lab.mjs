// The state of a hosts lab as bench/partition reads it: ready endpoints from the API, replica processes from the
// namespaces' own process lists (the truth about what runs where).
import { namespacePids, readEnviron } from "../../libs/cluster/dist/index.js";

/** Ready endpoints of default/<name>. */
export async function readyEndpoints(apiUrl, name) {
  const url = `${apiUrl}/v1/services/default/${name}`;
  const res = await fetch(url, { signal: AbortSignal.timeout(3_000) }).catch(() => undefined);
  if (!res?.ok) return [];
  return (await res.json()).endpoints.filter((e) => e.ready);
}

/** Node id → status. */
export async function nodeStatus(apiUrl) {
  const res = await fetch(`${apiUrl}/v1/nodes`, { signal: AbortSignal.timeout(3_000) });
  return new Map((await res.json()).items.map((n) => [n.id, n.status]));
}

/** Replica ids running in each host's namespace: node → [replica id]. */
export async function replicaProcesses(lab) {
  const out = new Map();
  for (const h of lab.hosts) {
    const ids = [];
    for (const pid of await namespacePids(h.namespace)) {
      const e = readEnviron(pid).find((x) => x.startsWith("TUG_REPLICA_ID="));
      if (e) ids.push(e.slice("TUG_REPLICA_ID=".length));
    }
    out.set(h.node, ids);
  }
  return out;
}
