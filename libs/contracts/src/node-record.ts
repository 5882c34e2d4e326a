/** Comparing node records. */
import type { NodeRecord } from "./model.js";

/**
 * True when `a` and `b` say the same of a node but for the time of its last heartbeat, which changes with every beat
 * (a cache that compares records to find a lost hint compares them so).
 */
export function sameNodeRecord(a: NodeRecord, b: NodeRecord): boolean {
  return JSON.stringify({ ...a, lastHeartbeat: 0 }) === JSON.stringify({ ...b, lastHeartbeat: 0 });
}
