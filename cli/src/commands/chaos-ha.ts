/** `tug chaos kill-redis-primary | kill-nats-server [N]`: faults of an `--ha` cluster's infrastructure. */
import type { Command } from "commander";
import { intArg } from "../args.js";
import { cluster, print } from "./chaos-common.js";

/** Registers the `--ha` faults under `chaos`. */
export function haCommands(chaos: Command): void {
  chaos
    .command("kill-redis-primary")
    .description("SIGKILL the Redis server the Sentinels name primary (--ha); a replica takes over, it rejoins as one")
    .action(async (_o: unknown, cmd: Command) => {
      const { lib, file, output } = await cluster(cmd);
      print(output, await lib.killRedisPrimary(file));
    });
  chaos
    .command("kill-nats-server")
    .description("SIGKILL NATS server N (1-3; default the first running one) of an --ha cluster; clients fail over")
    .argument("[n]", "which server, 1-3", intArg(1, 3))
    .action(async (n: number | undefined, _o: unknown, cmd: Command) => {
      const { lib, file, output } = await cluster(cmd);
      print(output, lib.killNatsServer(file, n));
    });
}
