import type { ScorePlugin } from "../types.js";

/** Prefers nodes with the most free cpu and memory, as a share of capacity. */
export const leastAllocated: ScorePlugin = {
  name: "least-allocated",
  weight: 1,
  score(r, n) {
    const share = (used: number, req: number, cap: number) => (cap <= 0 ? 0 : Math.max(0, 1 - (used + req) / cap));
    const cpu = share(n.used.cpuMillis, r.resources.cpuMillis, n.node.capacity.cpuMillis);
    const mem = share(n.used.memoryBytes, r.resources.memoryBytes, n.node.capacity.memoryBytes);
    return 50 * (cpu + mem);
  },
};
