import type { ScorePlugin } from "../types.js";

/** Prefers nodes with fewer replicas of the same deployment (resilience to a node loss); strict, by tier. */
export const spread: ScorePlugin = {
  name: "spread",
  weight: 2,
  score: (r, n) => 100 / (1 + (n.perDeployment.get(r.deployment) ?? 0)),
  tier: (r, n) => n.perDeployment.get(r.deployment) ?? 0,
};
