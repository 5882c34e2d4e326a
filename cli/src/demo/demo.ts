/** What every demo is: a name, a one-line title, and a run on a stage that narrates and checks. */
import type { Narrator } from "./narrator.js";
import type { Stage } from "./stage.js";

/** The demos, in the order `tug demo all` runs them. */
export const DEMO_NAMES = [
  "scheduling",
  "self-healing",
  "node-failure",
  "scaling",
  "load-balancing",
  "discovery",
  "rollout",
] as const;

/** A demo's name. */
export type DemoName = (typeof DEMO_NAMES)[number];

/** One demo. */
export interface Demo {
  name: DemoName;
  /** What it shows, in a few words. */
  title: string;
  /** Creates what it needs, causes the problem, narrates, checks (through `n.check`) and deletes what it created. */
  run(stage: Stage, n: Narrator): Promise<void>;
}
