import { type FilterPlugin, FITS } from "../types.js";

/** Requests must fit in what the node has left (the Lua bind re-checks this atomically). */
export const fitResources: FilterPlugin = {
  name: "fit-resources",
  filter(r, n) {
    const cpuLeft = n.node.capacity.cpuMillis - n.used.cpuMillis;
    const memLeft = n.node.capacity.memoryBytes - n.used.memoryBytes;
    if (r.resources.cpuMillis > cpuLeft)
      return {
        fits: false,
        reason: `node ${n.node.id}: insufficient cpu (${cpuLeft}m left, ${r.resources.cpuMillis}m requested)`,
      };
    if (r.resources.memoryBytes > memLeft) return { fits: false, reason: `node ${n.node.id}: insufficient memory` };
    return FITS;
  },
};
