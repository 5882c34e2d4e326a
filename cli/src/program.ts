/** The `tug` command tree and its runner (exit codes: 0 ok, 1 operation failed, 2 usage error). */
import { Command, CommanderError, Option } from "commander";
import { chaosCommand } from "./commands/chaos.js";
import { chaosRunCommand } from "./commands/chaos-run.js";
import { demoCommand } from "./commands/demo.js";
import { describeCommand } from "./commands/describe.js";
import { eventsCommand } from "./commands/events.js";
import { getCommand } from "./commands/get.js";
import { hollowCommand } from "./commands/hollow.js";
import { loadCommand } from "./commands/load.js";
import { nodeCommand } from "./commands/node.js";
import { resolveCommand } from "./commands/resolve.js";
import { rolloutCommand } from "./commands/rollout.js";
import { rotateCommand } from "./commands/rotate.js";
import { upCommand } from "./commands/up.js";
import { workerCommand } from "./commands/worker.js";
import { writeCommands } from "./commands/write.js";
import { dataDirOption } from "./data-dir.js";
import { reportError } from "./errors.js";
import { OUTPUT_FORMATS } from "./format.js";

/** Builds the program with its global options and every command. */
export function buildProgram(): Command {
  const program = new Command("tug")
    .description("Tugboat: a container orchestrator")
    .addOption(new Option("--nats <url>", "NATS URL").env("TUG_NATS_URL").default("nats://127.0.0.1:4222"))
    .addOption(new Option("--api <url>", "registry HTTP API").env("TUG_API").default("http://127.0.0.1:7070"))
    .addOption(dataDirOption("data dir of the local cluster (`tug up`) that commands act on"))
    .addOption(new Option("-o, --output <format>", "output format").choices(OUTPUT_FORMATS).default("table"))
    .exitOverride()
    .showHelpAfterError("(run with --help for usage)");
  upCommand(program);
  workerCommand(program);
  hollowCommand(program);
  writeCommands(program);
  getCommand(program);
  describeCommand(program);
  rolloutCommand(program);
  eventsCommand(program);
  resolveCommand(program);
  loadCommand(program);
  nodeCommand(program);
  rotateCommand(program);
  chaosCommand(program);
  chaosRunCommand(program);
  demoCommand(program);
  for (const c of program.commands) c.exitOverride();
  for (const c of program.commands.flatMap((c) => c.commands)) c.exitOverride();
  return program;
}

/** Runs `argv` (as process.argv) and returns the exit code; errors are printed with `err`. */
export async function run(
  argv: string[],
  err: (s: string) => void = (s) => process.stderr.write(`${s}\n`),
): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === "commander.helpDisplayed" ||
        e.code === "commander.version" ||
        e.code === "commander.help" ||
        e.exitCode === 0
      )
        return 0;
      // commander printed its own parse errors ("error: ..."); argParser errors thrown inside actions were not
      if (!e.message.startsWith("error:")) err(`error: ${e.message}`);
      return 2;
    }
    return reportError(e, err);
  }
}
