/**
 * The cluster's heartbeat budget (Nomad's `max_heartbeats_per_second`, in our words). A cluster of more nodes than
 * `maxPerSecond` is asked (with every sync answer) to beat no more often than every nodes / maxPerSecond seconds, so
 * the beats the health-monitor absorbs stay near `maxPerSecond` however large the cluster; a smaller cluster is
 * asked nothing. A node that beats more slowly than its own setting says so in its beats (`stretchedMs`), and the
 * node grace stretches to `GRACE_BEATS` of the longest period asked or announced, as Kubernetes' 40 s grace covers
 * four 10 s lease renewals: node failures are noticed later in a large cluster, never falsely.
 */

/** Beats a stretched node may miss before it is NotReady. */
export const GRACE_BEATS = 4;

/** The period to ask of every node of a cluster of `nodes` (ms, rounded up to 100 ms), or 0: no one slows down. */
export function advisedBeatMs(nodes: number, maxPerSecond: number): number {
  if (!(maxPerSecond > 0) || nodes <= maxPerSecond) return 0;
  return Math.ceil((nodes * 10) / maxPerSecond) * 100;
}

/** The node grace when the longest period asked of or announced by a node is `longestBeatMs` (0: none). */
export function stretchedGraceMs(nodeGraceMs: number, longestBeatMs: number): number {
  return Math.max(nodeGraceMs, GRACE_BEATS * longestBeatMs);
}
