/**
 * `tug chaos run --duration D --seed S [--nodes N] [--driver fake|process] [--replicas-per-component K]`: starts its
 * own local cluster, injects seeded faults while a seeded workload applies, scales and rolls deployments, checks
 * the invariants continuously, prints the report (last line `faults=N violations=M converge_s=X`) and exits 1 when
 * any invariant broke. A failed run writes its replay script (`--record FILE` writes it always), and
 * `--replay FILE` runs a recorded schedule again. Registered under the `chaos` group.
 */
import { Command, InvalidArgumentError } from "commander";
import type { ChaosProgress } from "@tug/chaos";
import { intArg } from "../args.js";
import { progress } from "../progress.js";

/** An argParser for durations: `500ms`, `90s`, `10m`, `1h` or plain milliseconds. */
function durationArg(v: string, minMs = 1_000): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(v);
  if (!m) throw new InvalidArgumentError(`must look like 90s, 10m or 1h, got ${JSON.stringify(v)}`);
  const ms = Math.round(Number(m[1]) * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[(m[2] ?? "ms") as "ms"]);
  if (ms < minMs)
    throw new InvalidArgumentError(`must be at least ${minMs >= 1_000 ? `${minMs / 1_000}s` : `${minMs}ms`}`);
  return ms;
}

/** The `chaos` command group of `program`, created when it does not exist yet. */
function chaosGroup(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === "chaos") ??
    program.command("chaos").description("fault injection and the chaos suite")
  );
}

/** Flags of `chaos run` as commander parses them. */
interface ChaosRunFlags {
  duration?: number;
  seed?: number;
  nodes: number;
  hosts?: number;
  hostsSubnet?: string;
  driver: string;
  replicasPerComponent?: number;
  faultEvery?: number;
  clients?: number;
  deletes?: boolean;
  shared?: boolean;
  keepDataDir?: boolean;
  ha?: boolean;
  replay?: string;
  record?: string;
}

/** Registers `chaos run`. */
export function chaosRunCommand(program: Command): void {
  chaosGroup(program)
    .command("run")
    .description(
      "run the chaos suite on its own local cluster: seeded faults + workload, invariants checked; " +
        "exit 1 on a violation",
    )
    .option("--duration <d>", "how long to inject faults (90s, 10m, …); required unless --replay", durationArg)
    .option("--seed <s>", "seed of the fault and workload sequences; required unless --replay", intArg(0, 2 ** 32 - 1))
    .option("--nodes <n>", "number of worker nodes", intArg(1, 50), 3)
    .option(
      "--hosts <n>",
      "a lab of N network-namespace hosts (root): partition-host and kill-host faults too",
      intArg(2, 20),
    )
    .option("--hosts-subnet <cidr>", "the lab's private /24 (default 10.231.128.0/24)")
    .option(
      "--driver <driver>",
      "fake | process",
      (v: string) => {
        if (!["fake", "process"].includes(v)) throw new InvalidArgumentError("must be fake or process");
        return v;
      },
      "fake",
    )
    .option(
      "--ha",
      "3 NATS servers and Redis with Sentinels: kill-redis-primary and kill-nats-server faults too " +
        "(with --hosts, on 3 control-plane hosts, and partitions of the primary's or a NATS server's host)",
    )
    .option(
      "--replicas-per-component <k>",
      "instances of each control-plane process (default 1; 2 with --ha)",
      intArg(1, 8),
    )
    .option("--fault-every <d>", "mean time between faults (e.g. 700ms; at least 100ms)", (v: string) =>
      durationArg(v, 100),
    )
    .option(
      "--clients <n>",
      "concurrent workload clients, each with deployments of its own (default 1)",
      intArg(1, 100),
    )
    .option("--deletes", "the workload deletes deployments too (and applies them again later)")
    .option("--shared", "every workload client also changes one shared deployment (concurrent writes to one object)")
    .option("--keep-data-dir", "keep the cluster's temp data dir (logs) after the run")
    .option(
      "--replay <file>",
      "run a recorded schedule again (its cluster shape, faults and changes, at their offsets)",
    )
    .option("--record <file>", "write this run's replay script (a failed run writes one anyway)")
    .action(async (o: ChaosRunFlags) => {
      const { readScript, runChaos, writeScript } = await import("@tug/chaos");
      const replay = o.replay ? readScript(o.replay) : undefined;
      if (!replay && (o.duration === undefined || o.seed === undefined))
        throw new InvalidArgumentError("--duration and --seed are required (or --replay FILE)");
      const live = progress(process.stderr, { minIntervalMs: 10_000 });
      const log = (l: string) => live.log(`chaos: ${l}`);
      const report = await runChaos({
        progress: (p) => live.update(chaosProgressLine(p)),
        durationMs: o.duration ?? 1_000,
        seed: o.seed ?? 0,
        nodes: o.nodes,
        hosts: o.hosts,
        hostsSubnet: o.hostsSubnet,
        driver: o.hosts ? "process" : o.driver,
        replicasPerComponent: o.replicasPerComponent,
        ha: o.ha,
        faultEveryMs: o.faultEvery,
        clients: o.clients,
        deletes: o.deletes,
        shared: o.shared,
        keepDataDir: o.keepDataDir,
        log,
        replay,
      }).finally(() => live.done());
      const record =
        o.record ??
        (report.violations.length > 0
          ? `tug-chaos-${report.seed}-${new Date().toISOString().replace(/[:.]/g, "")}.replay.json`
          : undefined);
      if (record) {
        writeScript(record, report.script);
        log(`replay script written to ${record} (tug chaos run --replay ${record})`);
      }
      process.stdout.write(`${report.text}\n`);
      process.exitCode = report.violations.length > 0 ? 1 : 0;
    });
}

/** The live line of a chaos run: `chaos: 12/60 s, 17 faults, 0 violations`. */
export function chaosProgressLine(p: ChaosProgress): string {
  const s = (ms: number) => Math.floor(ms / 1000);
  return `chaos: ${s(p.elapsedMs)}/${s(p.durationMs)} s, ${p.faults} faults, ${p.violations} violations`;
}
