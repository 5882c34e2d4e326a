/**
 * `tug up --data-dir X` starts its cluster in X: `--data-dir` is also a global option, and commander hands a global
 * option's value to the program even when it is written after the subcommand, so `up` must read it from there.
 */
import { resolve } from "node:path";
import type { Command } from "commander";
import { afterEach, describe, expect, it } from "vitest";
import { upOptions } from "../src/commands/up.js";
import { buildProgram } from "../src/program.js";

/** Parses `args` with `up`'s action replaced by one that records the options runUp would get. */
async function upOptionsFor(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Record<string, unknown>> {
  const saved = process.env.TUG_DATA_DIR;
  if (env.TUG_DATA_DIR === undefined) delete process.env.TUG_DATA_DIR;
  else process.env.TUG_DATA_DIR = env.TUG_DATA_DIR;
  try {
    const program = buildProgram();
    let seen: Record<string, unknown> = {};
    program.commands
      .find((c) => c.name() === "up")!
      .action((o: Record<string, unknown>, cmd: Command) => {
        seen = upOptions(o, cmd);
      });
    await program.parseAsync(["node", "tug", ...args]);
    return seen;
  } finally {
    if (saved === undefined) delete process.env.TUG_DATA_DIR;
    else process.env.TUG_DATA_DIR = saved;
  }
}

describe("tug up --data-dir", () => {
  afterEach(() => void (process.exitCode = undefined));

  it("takes the directory written after up, before it, or from TUG_DATA_DIR, else ./.tug", async () => {
    expect((await upOptionsFor(["up", "--data-dir", "/tmp/x"])).dataDir).toBe("/tmp/x");
    expect((await upOptionsFor(["--data-dir", "/tmp/y", "up"])).dataDir).toBe("/tmp/y");
    expect((await upOptionsFor(["up"], { TUG_DATA_DIR: "/tmp/z" })).dataDir).toBe("/tmp/z");
    expect((await upOptionsFor(["up"])).dataDir).toBe(resolve(".tug"));
  });
});
