import { type FilterPlugin, FITS } from "../types.js";

/** The node's labels must include every key=value of the replica's nodeSelector. */
export const nodeSelector: FilterPlugin = {
  name: "node-selector",
  filter(r, n) {
    for (const k in r.nodeSelector) {
      const v = r.nodeSelector[k];
      if (n.node.labels[k] !== v) return { fits: false, reason: `node ${n.node.id} lacks label ${k}=${v}` };
    }
    return FITS;
  },
};
