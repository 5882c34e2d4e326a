/** Runs one demo or all of them on one stage, prints each verdict and a summary; the exit code says if all held. */
import { describeError } from "../errors.js";
import { toTugError } from "@tug/contracts";
import type { ProgressSink } from "../progress.js";
import { type Demo, DEMO_NAMES, type DemoName } from "./demo.js";
import { discovery } from "./discovery.js";
import { loadBalancing } from "./load-balancing.js";
import { heading, Narrator, verdict } from "./narrator.js";
import { nodeFailure } from "./node-failure.js";
import { rollout } from "./rollout.js";
import { scaling } from "./scaling.js";
import { scheduling } from "./scheduling.js";
import { selfHealing } from "./self-healing.js";
import { openStage, type Stage, type StageOptions } from "./stage.js";
import { interrupted, interruptDemos } from "./wait.js";

/** Every demo by name. */
export const DEMOS: Readonly<Record<DemoName, Demo>> = {
  scheduling,
  "self-healing": selfHealing,
  "node-failure": nodeFailure,
  scaling,
  "load-balancing": loadBalancing,
  discovery,
  rollout,
};

/** What to run and where. */
export interface DemoRunOptions extends StageOptions {
  which: DemoName | "all";
  /** Where the story goes (default stdout). */
  out?: ProgressSink;
}

/** Runs the demos; resolves with the exit code (0: every check of every demo held). */
export async function runDemos(o: DemoRunOptions): Promise<number> {
  const n = new Narrator(o.out);
  const list = o.which === "all" ? DEMO_NAMES.map((k) => DEMOS[k]) : [DEMOS[o.which]];
  const onSignal = () => interruptDemos();
  process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
  const t0 = Date.now();
  let stage: Stage | undefined;
  const passed: string[] = [];
  try {
    stage = await openStage(o, n);
    for (const d of list) {
      if (interrupted()) break;
      if (await runOne(d, stage, n)) passed.push(d.name);
    }
  } finally {
    if (stage?.started) n.say("stopping the cluster the demo started");
    await stage?.stop();
    process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
  }
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  const ok = passed.length === list.length && !interrupted();
  n.line(`tug demo ${o.which}: ${passed.length} of ${list.length} demos passed in ${secs} s${ok ? "" : " (FAILED)"}`);
  return ok ? 0 : 1;
}

/** One demo between its heading and its verdict; an error ends it as a failed check. Resolves true when it passed. */
async function runOne(d: Demo, stage: Stage, n: Narrator): Promise<boolean> {
  n.line(heading(d.name, d.title));
  const from = n.checkCount;
  const t = Date.now();
  try {
    await d.run(stage, n);
  } catch (err) {
    n.check(false, `the demo ran to its end: ${describeError(toTugError(err))}`);
  }
  const checks = n.checksSince(from);
  n.line(verdict(d.name, checks, Date.now() - t));
  return checks.length > 0 && checks.every((c) => c.ok);
}
