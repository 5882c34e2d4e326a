import type { ScorePlugin } from "../types.js";

/** Bin-packing: prefers the nodes with the least free cpu and memory left after the replica, as a share of capacity. */
export const mostAllocated: ScorePlugin = {
  name: "most-allocated",
  weight: 1,
  score(r, n) {
    const share = (used: number, req: number, cap: number) => (cap <= 0 ? 0 : Math.min(1, (used + req) / cap));
    const cpu = share(n.used.cpuMillis, r.resources.cpuMillis, n.node.capacity.cpuMillis);
    const mem = share(n.used.memoryBytes, r.resources.memoryBytes, n.node.capacity.memoryBytes);
    return 50 * (cpu + mem);
  },
};
