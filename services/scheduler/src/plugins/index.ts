/** The built-in plugins, by name. */
import type { FilterPlugin, ScorePlugin } from "../types.js";
import { fitResources } from "./fit-resources.js";
import { leastAllocated } from "./least-allocated.js";
import { nodeReady } from "./node-ready.js";
import { nodeSelector } from "./node-selector.js";
import { spread } from "./spread.js";

export const defaultFilters: FilterPlugin[] = [nodeReady, nodeSelector, fitResources];
export const defaultScores: ScorePlugin[] = [spread, leastAllocated];
