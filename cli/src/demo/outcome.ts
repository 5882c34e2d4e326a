/** Pure judgements the demos make about what they observed (placements, traffic shares, rollout bounds). */
import type { ReplicaRecord } from "@tug/contracts";

/** Replicas per node, sorted by node id: `[["node-1", 2], ["node-2", 2]]`. */
export function perNode(replicas: readonly Pick<ReplicaRecord, "node">[]): Array<[string, number]> {
  const m = new Map<string, number>();
  for (const r of replicas) if (r.node) m.set(r.node, (m.get(r.node) ?? 0) + 1);
  return [...m.entries()].sort(([a], [b]) => a.localeCompare(b, "en", { numeric: true }));
}

/** `node-1: 2, node-2: 2, node-3: 2`. */
export function placementText(counts: ReadonlyArray<[string, number]>): string {
  return counts.map(([node, k]) => `${node}: ${k}`).join(", ");
}

/** True when no node of `nodes` holds more than one replica above another, and none is placed elsewhere. */
export function evenlySpread(counts: ReadonlyArray<[string, number]>, nodes: readonly string[]): boolean {
  const per = nodes.map((n) => counts.find(([id]) => id === n)?.[1] ?? 0);
  const elsewhere = counts.some(([id]) => !nodes.includes(id));
  return per.length > 0 && !elsewhere && Math.max(...per) - Math.min(...per) <= 1;
}

/** Nodes whose allocated requests exceed their capacity (CPU or memory). */
export function overcommitted(
  nodes: ReadonlyArray<{
    id: string;
    capacity: { cpuMillis: number; memoryBytes: number };
    allocated: { cpuMillis: number; memoryBytes: number };
  }>,
): string[] {
  return nodes
    .filter((n) => n.allocated.cpuMillis > n.capacity.cpuMillis || n.allocated.memoryBytes > n.capacity.memoryBytes)
    .map((n) => n.id);
}

/** Answers per replica as text, most first: `web-a 101, web-b 99`. */
export function sharesText(counts: ReadonlyMap<string, number>): string {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([r, k]) => `${r} ${k}`)
    .join(", ");
}

/**
 * True when every one of `replicas` answered at least `fraction` of an even share of `total` answers (0.5: at least
 * half of total / replicas each), and nothing else answered.
 */
export function fairlyBalanced(
  counts: ReadonlyMap<string, number>,
  replicas: readonly string[],
  total: number,
  fraction = 0.5,
): boolean {
  if (replicas.length === 0 || total === 0) return false;
  const floor = (fraction * total) / replicas.length;
  const strangers = [...counts.keys()].filter((r) => !replicas.includes(r));
  return strangers.length === 0 && replicas.every((r) => (counts.get(r) ?? 0) >= floor);
}

/** Bounds seen while a rollout ran: the fewest ready and the most replicas that should run. */
export interface RolloutBounds {
  minReady: number;
  maxRunning: number;
}

/** Folds one look at the replicas into the bounds seen so far. */
export function foldBounds(b: RolloutBounds | undefined, replicas: readonly ReplicaRecord[]): RolloutBounds {
  const run = replicas.filter((r) => r.desired === "run");
  const ready = run.filter((r) => r.ready).length;
  return {
    minReady: Math.min(b?.minReady ?? Infinity, ready),
    maxRunning: Math.max(b?.maxRunning ?? 0, run.length),
  };
}

/** The newest time among `times` that is at or after `since`, else `fallback`. */
export function latestSince(times: ReadonlyArray<number | undefined>, since: number, fallback: number): number {
  const after = times.filter((t): t is number => t !== undefined && t >= since);
  return after.length ? Math.max(...after) : fallback;
}
