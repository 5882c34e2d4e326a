/**
 * `tug chaos kill-replica|kill-node|pause-node|kill-component|restart-nats|restart-redis`: fault injection against the
 * local cluster of `--data-dir` (default ./.tug), found through its cluster.json. See @tug/cluster's chaos module for
 * the rules.
 */
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { intArg, nodeArg } from "../args.js";
import { dataDirOption } from "../data-dir.js";
import { cluster, print } from "./chaos-common.js";
import { hostCommands } from "./chaos-hosts.js";
import { haCommands } from "./chaos-ha.js";

/** A replica id as the controller makes them (letters, digits, `-`, `_`, `.`). */
function replicaArg(v: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,252}$/.test(v))
    throw new InvalidArgumentError(`must be a replica id, got ${JSON.stringify(v)}`);
  return v;
}

/** A component role or name (`controller`, `registry-2`, `nats`, …). */
function roleArg(v: string): string {
  if (!/^[a-z][a-z0-9-]{0,63}$/.test(v))
    throw new InvalidArgumentError(
      `must be a component role or name such as controller or registry-2, got ${JSON.stringify(v)}`,
    );
  return v;
}

/** Registers `chaos`. */
export function chaosCommand(program: Command): void {
  const chaos = (program.commands.find((c) => c.name() === "chaos") ?? program.command("chaos"))
    .description("inject faults into the local cluster started by `tug up`, or run the chaos suite")
    .addOption(dataDirOption());
  chaos
    .command("kill-replica")
    .description("SIGKILL one replica (its process group, or its container)")
    .argument("<replica>", "replica id", replicaArg)
    .action(async (replica: string, _o: unknown, cmd: Command) => {
      const { lib, file, output } = await cluster(cmd);
      print(output, await lib.killReplica(file, replica));
    });
  chaos
    .command("kill-node")
    .description("a machine that vanished: SIGKILL the worker and its replicas; the worker comes back after --down")
    .argument("<node>", "node id", nodeArg)
    .option("--down <seconds>", "how long the node stays away before its worker restarts", intArg(0, 3_600), 10)
    .action(async (node: string, o: { down: number }, cmd: Command) => {
      const { lib, file, output } = await cluster(cmd);
      print(output, await lib.killNode(file, node, o.down * 1000));
    });
  chaos
    .command("pause-node")
    .description("SIGSTOP a node's worker for SECONDS, then SIGCONT it (Ctrl-C resumes it early)")
    .argument("<node>", "node id", nodeArg)
    .argument("<seconds>", "how long", intArg(1, 3_600))
    .action(async (node: string, seconds: number, _o: unknown, cmd: Command) => {
      const { lib, file, output } = await cluster(cmd);
      const ac = new AbortController();
      const stop = () => ac.abort();
      process.once("SIGINT", stop).once("SIGTERM", stop);
      try {
        print(
          output,
          await lib.pauseNode(
            file,
            node,
            seconds,
            ac.signal,
            output === "table" ? (l) => process.stdout.write(`${l}\n`) : undefined,
          ),
        );
      } finally {
        process.off("SIGINT", stop).off("SIGTERM", stop);
      }
    });
  chaos
    .command("kill-component")
    .description("SIGKILL a control-plane or infrastructure process by role (first instance) or name; it is restarted")
    .argument(
      "<role>",
      "controller | scheduler | health-monitor | autoscaler | registry | proxy | nats | redis | <name>",
      roleArg,
    )
    .action(async (role: string, _o: unknown, cmd: Command) => {
      const { lib, file, output } = await cluster(cmd);
      print(output, lib.killComponent(file, role));
    });
  hostCommands(chaos);
  haCommands(chaos);
  for (const server of ["nats", "redis"] as const) {
    chaos
      .command(`restart-${server}`)
      .description(
        `SIGKILL ${server === "nats" ? "nats-server" : "redis-server (AOF keeps acknowledged state)"}; ` +
          `the supervisor starts it again`,
      )
      .action(async (_o: unknown, cmd: Command) => {
        const { lib, file, output } = await cluster(cmd);
        print(output, lib.killComponent(file, server));
      });
  }
}
