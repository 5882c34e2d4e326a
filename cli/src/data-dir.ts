/**
 * `--data-dir` / `TUG_DATA_DIR`: where a local cluster (`tug up`) keeps its cluster.json (default `./.tug`). Commands
 * that act on a local cluster find it there, and every message about it names the directory and where that came from.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type Command, Option } from "commander";
import { TugError } from "@tug/contracts";

/** The data dir when neither `--data-dir` nor `TUG_DATA_DIR` is given. */
export const DEFAULT_DATA_DIR = ".tug";

/** The `--data-dir` option with its env var and default; `what` is its help text. */
export function dataDirOption(what = "the local cluster's data dir (where its cluster.json is)"): Option {
  return new Option("--data-dir <dir>", what).env("TUG_DATA_DIR").default(DEFAULT_DATA_DIR);
}

/** A resolved data dir and where it came from. */
export interface DataDir {
  /** Absolute path. */
  path: string;
  /** `--data-dir`, `TUG_DATA_DIR` or `default`. */
  from: "--data-dir" | "TUG_DATA_DIR" | "default";
}

/** The data dir of `cmd` (its own option or a parent's), resolved against the current directory. */
export function dataDirOf(cmd: Command): DataDir {
  const value = (cmd.optsWithGlobals() as { dataDir?: string }).dataDir ?? DEFAULT_DATA_DIR;
  const source = cmd.getOptionValueSourceWithGlobals("dataDir");
  const from = source === "cli" ? "--data-dir" : source === "env" ? "TUG_DATA_DIR" : "default";
  return { path: resolve(value), from };
}

/** `data dir /x/.tug (from TUG_DATA_DIR)`: how messages name the place they looked in. */
export function describeDataDir(d: DataDir): string {
  return `data dir ${d.path} (${d.from === "default" ? `the default ./${DEFAULT_DATA_DIR}` : `from ${d.from}`})`;
}

/** The NATS and API URLs of the local cluster at `d` (from its cluster.json); NOT_FOUND names the data dir. */
export function clusterUrls(d: DataDir): { natsUrl: string; apiUrl: string } {
  let raw: { natsUrl?: unknown; apiUrl?: unknown };
  try {
    raw = JSON.parse(readFileSync(join(d.path, "cluster.json"), "utf8")) as typeof raw;
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === "ENOENT";
    const what = missing ? "no local cluster (no cluster.json)" : "an unreadable cluster.json";
    throw new TugError(missing ? "NOT_FOUND" : "VALIDATION_FAILED", `${what} in ${describeDataDir(d)}`, "data-dir");
  }
  if (typeof raw?.natsUrl !== "string" || typeof raw.apiUrl !== "string") {
    throw new TugError("VALIDATION_FAILED", `cluster.json in ${describeDataDir(d)} has no natsUrl/apiUrl`, "data-dir");
  }
  return { natsUrl: raw.natsUrl, apiUrl: raw.apiUrl };
}
