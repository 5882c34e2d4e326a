/** `tug up`: the all-in-one local cluster, implemented in @tug/cluster (loaded only when used). */
import type { Command } from "commander";
import { InvalidArgumentError, Option } from "commander";
import type { StartupProgress } from "@tug/cluster";
import { intArg } from "../args.js";
import { dataDirOf, dataDirOption } from "../data-dir.js";
import { progress } from "../progress.js";

const DRIVERS = ["docker", "process", "fake"];

/** Registers `up`. */
export function upCommand(program: Command): void {
  program
    .command("up")
    .description("run a local cluster in the foreground; Ctrl-C stops everything it started")
    .option("--nodes <n>", "number of worker nodes", intArg(1, 100_000))
    .option("--driver <driver>", "docker | process | fake", (v: string) => {
      if (!DRIVERS.includes(v)) throw new InvalidArgumentError(`must be one of ${DRIVERS.join(", ")}`);
      return v;
    })
    .option(
      "--hosts <n>",
      "a lab of N hosts: each node in its own network namespace on a bridge (needs root)",
      intArg(2, 200),
    )
    .addOption(
      new Option("--hosts-subnet <cidr>", "the lab's private /24").env("TUG_HOSTS_SUBNET").default("10.231.0.0/24"),
    )
    .option(
      "--ha",
      "no single point of failure: 3 NATS servers, Redis with 2 replicas and 3 Sentinels, 2 of each component",
    )
    .addOption(dataDirOption("where the cluster keeps nats, redis, logs and its cluster.json"))
    .option("--docker-network <net>", "bridge | host: containers' network (docker driver; host: faster, less isolated)")
    .option("--ports-from <p>", "first port of the range handed out", intArg(1024, 65_535))
    .option("--replicas-per-component <k>", "instances of each control-plane process", intArg(1, 16))
    .option("--apply <file>", "manifest to apply once the cluster is up")
    .option("--nats-port <p>", "NATS port (0 = any free one)", intArg(0, 65_535))
    .option("--redis-port <p>", "Redis port (0 = any free one)", intArg(0, 65_535))
    .option("--api-port <p>", "HTTP API port (0 = any free one)", intArg(0, 65_535))
    .option("--api-host <addr>", "address the HTTP API binds; any but 127.0.0.1 serves HTTPS from the cluster's CA")
    .option("--dns-port <p>", "DNS port (0 = any free one)", intArg(0, 65_535))
    .action(async (opts: Record<string, unknown>, cmd: Command) => {
      const { processIo, runUp } = await import("@tug/cluster");
      const live = progress(process.stdout, { minIntervalMs: 1_000 });
      const started = Date.now();
      const onStartup = (p: StartupProgress) => {
        if (p.stage === "ready") live.done(`started in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        else live.update(startupLine(p));
      };
      const io = { ...processIo, out: (l: string) => live.log(l) };
      process.exitCode = await runUp({ ...upOptions(opts, cmd), onStartup }, io);
    });
}

/**
 * `up`'s options with the data dir resolved through the program too: `--data-dir` is also a global option, and
 * commander gives a global option's value to the program even when it is written after `up`.
 */
export function upOptions(opts: Record<string, unknown>, cmd: Command): Record<string, unknown> {
  return { ...opts, dataDir: dataDirOf(cmd).path };
}

/** The live start-up line of `tug up`: `starting: control plane and workers 7/10 listening`. */
export function startupLine(p: StartupProgress): string {
  const what = p.stage === "infrastructure" ? "NATS and Redis" : "control plane and workers";
  return `starting: ${what} ${p.listening}/${p.total} listening`;
}
