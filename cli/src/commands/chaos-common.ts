/** What every `tug chaos` fault command shares: finding the live cluster, printing what was done. */
import type { Command } from "commander";
import { TugError } from "@tug/contracts";
import { dataDirOf, describeDataDir } from "../data-dir.js";
import { render, type OutputFormat } from "../format.js";

interface Globals {
  dataDir: string;
  output: OutputFormat;
}

/** The cluster library and the live cluster of `--data-dir`, for one chaos command; a miss names the data dir. */
export async function cluster(cmd: Command) {
  const g = cmd.optsWithGlobals() as Globals;
  const lib = await import("@tug/cluster");
  const dir = dataDirOf(cmd);
  try {
    return { lib, file: lib.liveCluster(dir.path), output: g.output };
  } catch (err) {
    if (!(err instanceof TugError) || err.field !== "data-dir") throw err;
    throw new TugError(err.code, `${err.message}; looked in ${describeDataDir(dir)}`, err.field);
  }
}

/** Prints a fault's actions (one per line, or as json/yaml). */
export function print(output: OutputFormat, r: { actions: string[] }): void {
  process.stdout.write(`${render(r, output, (x) => x.actions.join("\n"))}\n`);
}
