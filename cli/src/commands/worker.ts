/** `tug worker --join nats://ADDR:4222 --address ADDR --node NAME`: a node on another host (@tug/cluster's join). */
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { intArg, nodeArg } from "../args.js";
import { UsageError } from "../errors.js";

const DRIVERS = ["docker", "process", "fake"];

/** Registers `worker`. */
export function workerCommand(program: Command): void {
  program
    .command("worker")
    .description("run one node that joins a cluster from this host (foreground; Ctrl-C stops it)")
    .requiredOption("--join <url>", "the cluster's NATS URL, e.g. nats://10.0.0.1:4222")
    .requiredOption("--address <addr>", "address this node advertises: replicas listen there, endpoints point there")
    .requiredOption("--node <name>", "node id", nodeArg)
    .option("--driver <driver>", "docker | process | fake", (v: string) => {
      if (!DRIVERS.includes(v)) throw new InvalidArgumentError(`must be one of ${DRIVERS.join(", ")}`);
      return v;
    })
    .option("--docker-network <net>", "bridge | host: containers' network (docker driver; default bridge)", (v) => {
      if (!["bridge", "host"].includes(v)) throw new InvalidArgumentError("must be bridge or host");
      return v;
    })
    .option("--ports-from <p>", "first host port of the node's range of 1000", intArg(1024, 64_536))
    .option("--data-dir <dir>", "state file and replica logs (default ./.tug/nodes/<node>)")
    .option("--labels <k=v,...>", "node labels for nodeSelector")
    .option("--health-port <p>", "port of /healthz and /metrics on --address (default: any)", intArg(0, 65_535))
    .option("--stop-replicas-on-exit", "stop every replica when the worker stops (default: leave them to be adopted)")
    .option("--creds <file>", "the node's NATS credentials, from `tug node add NAME` (default: TUG_NATS_CREDS)")
    .option("--log-level <level>", "trace | debug | info | warn | error")
    .action(async (opts: Record<string, unknown>) => {
      const { OptionError, runWorker } = await import("@tug/cluster");
      try {
        process.exitCode = await runWorker(opts);
      } catch (err) {
        throw err instanceof OptionError ? new UsageError(err.message) : err;
      }
    });
}
