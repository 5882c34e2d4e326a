/** `tug hollow --nodes N [--join URL]`: N fake nodes in one process, joining a cluster, for scale work. */
import type { Command } from "commander";
import { intArg } from "../args.js";
import { UsageError } from "../errors.js";

/** Registers `hollow`. */
export function hollowCommand(program: Command): void {
  program
    .command("hollow")
    .description("run N hollow (fake-driver) nodes in one process that join a cluster (foreground; Ctrl-C stops them)")
    .requiredOption("--nodes <n>", "number of nodes", intArg(1, 100_000))
    .option("--join <url>", "the cluster's NATS URL (default: --nats)")
    .option("--prefix <p>", "node ids are <p>-<first> … (default hollow)")
    .option("--first <k>", "number of the first node (default 1)", intArg(0, 10_000_000))
    .option("--labels <k=v,...>", "labels of every node")
    .option("--cpu-millis <m>", "cpu capacity of each node in millicores (default 4000)", intArg(1, 10_000_000))
    .option("--memory-bytes <b>", "memory capacity of each node (default 8 GiB)", intArg(1, Number.MAX_SAFE_INTEGER))
    .option("--heartbeat-ms <ms>", "heartbeat period of each node (default 1000)", intArg(50, 60_000))
    .option("--creds <file>", "NATS credentials, from `tug node add PREFIX --hollow N` (default: TUG_NATS_CREDS)")
    .option("--log-level <level>", "trace | debug | info | warn | error")
    .action(async (opts: Record<string, unknown>, cmd: Command) => {
      const { OptionError, runHollow } = await import("@tug/cluster");
      const join = (opts.join as string | undefined) ?? (cmd.optsWithGlobals() as { nats: string }).nats;
      try {
        process.exitCode = await runHollow({ ...opts, join });
      } catch (err) {
        throw err instanceof OptionError ? new UsageError(err.message) : err;
      }
    });
}
