/** What every `tug chaos` fault command shares: finding the live cluster, printing what was done. */
import { resolve } from "node:path";
import type { Command } from "commander";
import { render, type OutputFormat } from "../format.js";

interface Globals {
  dataDir: string;
  output: OutputFormat;
}

/** The cluster library and the live cluster of `--data-dir`, for one chaos command. */
export async function cluster(cmd: Command) {
  const g = cmd.optsWithGlobals() as Globals;
  const lib = await import("@tug/cluster");
  return { lib, file: lib.liveCluster(resolve(g.dataDir)), output: g.output };
}

/** Prints a fault's actions (one per line, or as json/yaml). */
export function print(output: OutputFormat, r: { actions: string[] }): void {
  process.stdout.write(`${render(r, output, (x) => x.actions.join("\n"))}\n`);
}

