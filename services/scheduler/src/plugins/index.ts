/** The built-in plugins, by name, and the scoring strategies made of them. */
import type { FilterPlugin, ScorePlugin } from "../types.js";
import { fitResources } from "./fit-resources.js";
import { leastAllocated } from "./least-allocated.js";
import { mostAllocated } from "./most-allocated.js";
import { nodeReady } from "./node-ready.js";
import { nodeSelector } from "./node-selector.js";
import { spread } from "./spread.js";

/** Filters every replica passes: node Ready and uncordoned, nodeSelector, room for the requests. */
export const defaultFilters: FilterPlugin[] = [nodeReady, nodeSelector, fitResources];
/** The default strategy: spread a deployment's replicas, then the least allocated node. */
export const defaultScores: ScorePlugin[] = [spread, leastAllocated];
/** Bin-packing (Nomad's default): fill the most allocated node that fits, leaving whole nodes free. */
export const binpackScores: ScorePlugin[] = [mostAllocated];

/** Scoring strategies by name (TUG_SCHEDULER_STRATEGY). */
export const strategies = { spread: defaultScores, binpack: binpackScores } as const;
/** A strategy name. */
export type Strategy = keyof typeof strategies;
