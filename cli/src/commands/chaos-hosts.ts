/** `tug chaos partition|heal|kill-host|start-host`: host faults against a hosts lab (`tug up --hosts N`). */
import type { Command } from "commander";
import type { ChaosResult } from "@tug/cluster";
import { intArg, nodeArg } from "../args.js";
import { cluster, print } from "./chaos-common.js";

/** The cluster library and the live cluster a chaos command acts on. */
type LiveCluster = Awaited<ReturnType<typeof cluster>>;

/** `a,b,c` → host names (each a node id, or `control-plane`). */
function hostList(v: string): string[] {
  return v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => nodeArg(s));
}

/** Registers the host faults under `chaos`. */
export function hostCommands(chaos: Command): void {
  chaos
    .command("partition")
    .description("drop all traffic between HOST and the rest of the cluster (or only --from), both directions")
    .argument("<host>", "host (node) name, e.g. host-2", nodeArg)
    .option("--from <hosts>", "only cut these hosts (comma-separated; `control-plane` is the control plane)", hostList)
    .option("--seconds <s>", "heal after this long (waits in the foreground; Ctrl-C heals early)", intArg(1, 86_400))
    .action(async (host: string, o: { from?: string[]; seconds?: number }, cmd: Command) => {
      const { lib, file, output } = await cluster(cmd);
      const ac = new AbortController();
      const stop = () => ac.abort();
      process.once("SIGINT", stop).once("SIGTERM", stop);
      try {
        const progress = output === "table" ? (l: string) => void process.stdout.write(`${l}\n`) : undefined;
        print(output, await lib.partitionHost(file, host, { ...o, signal: ac.signal, progress }));
      } finally {
        process.off("SIGINT", stop).off("SIGTERM", stop);
      }
    });
  const hostFaults: Array<{
    name: string;
    description: string;
    host: "<host>" | "[host]";
    run: (c: LiveCluster, host?: string) => ChaosResult | Promise<ChaosResult>;
  }> = [
    {
      name: "heal",
      description: "remove the partitions of HOST, or of every host",
      host: "[host]",
      run: ({ lib, file }, host) => lib.healHosts(file, host),
    },
    {
      name: "kill-host",
      description: "SIGKILL every process of HOST (its worker and all its replicas); it stays down until start-host",
      host: "<host>",
      run: ({ lib, file }, host) => lib.killHost(file, host!),
    },
    {
      name: "start-host",
      description: "let a killed host's worker start again",
      host: "<host>",
      run: ({ lib, file }, host) => lib.startHost(file, host!),
    },
  ];
  for (const f of hostFaults)
    chaos
      .command(f.name)
      .description(f.description)
      .argument(f.host, "host (node) name", nodeArg)
      .action(async (host: string | undefined, _o: unknown, cmd: Command) => {
        const c = await cluster(cmd);
        print(c.output, await f.run(c, host));
      });
}
