import { type FilterPlugin, FITS } from "../types.js";

/** Only Ready, uncordoned nodes take new replicas. */
export const nodeReady: FilterPlugin = {
  name: "node-ready",
  filter: (_r, n) =>
    n.node.status !== "Ready"
      ? { fits: false, reason: `node ${n.node.id} is NotReady` }
      : n.node.cordoned
        ? { fits: false, reason: `node ${n.node.id} is cordoned` }
        : FITS,
};
