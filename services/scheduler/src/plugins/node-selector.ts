import type { FilterPlugin } from "../types.js";

/** The node's labels must include every key=value of the replica's nodeSelector. */
export const nodeSelector: FilterPlugin = {
  name: "node-selector",
  filter(r, n) {
    for (const [k, v] of Object.entries(r.nodeSelector)) {
      if (n.node.labels[k] !== v) return { fits: false, reason: `node ${n.node.id} lacks label ${k}=${v}` };
    }
    return { fits: true };
  },
};
