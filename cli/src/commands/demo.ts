/**
 * `tug demo scheduling|self-healing|node-failure|scaling|load-balancing|discovery|rollout|all`: watch Tugboat solve
 * one problem (or each in turn) on the cluster at --api, or on a local cluster the demo starts and stops. Exit 0 when
 * every outcome check held, 1 otherwise.
 */
import type { Command } from "commander";
import { InvalidArgumentError, Option } from "commander";
import { TugError } from "@tug/contracts";
import { intArg } from "../args.js";
import { checkedUrl } from "../context.js";
import { clusterUrls, dataDirOf } from "../data-dir.js";
import { dnsServer } from "../dns-client.js";
import { DEMO_NAMES, type DemoName } from "../demo/demo.js";
import { dnsOption } from "./resolve.js";

const CHOICES = [...DEMO_NAMES, "all"] as const;

/** Flags of `demo`. */
interface DemoFlags {
  driver: "process" | "docker";
  nodes: number;
  dns: string | { host: string; port: number };
  portsFrom?: number;
}

/** Registers `demo`. */
export function demoCommand(program: Command): void {
  program
    .command("demo")
    .description("see Tugboat solve a problem live, with timings; starts a local cluster when none answers at --api")
    .argument("<demo>", CHOICES.join(" | "), (v: string) => {
      if (!(CHOICES as readonly string[]).includes(v))
        throw new InvalidArgumentError(`must be one of ${CHOICES.join(", ")}, got ${JSON.stringify(v)}`);
      return v;
    })
    .addOption(
      new Option("--driver <driver>", "replica driver of a cluster the demo starts")
        .choices(["process", "docker"])
        .default("process"),
    )
    .option("--nodes <n>", "nodes of a cluster the demo starts", intArg(2, 10), 3)
    .addOption(dnsOption("registry DNS server (a started cluster serves DNS there)"))
    .option("--ports-from <p>", "first host port of a started cluster's replicas (default 20000)", intArg(1024, 60_000))
    .action(async (which: DemoName | "all", flags: DemoFlags, cmd: Command) => {
      const { runDemos } = await import("../demo/run.js");
      const dns = typeof flags.dns === "string" ? dnsServer(flags.dns) : flags.dns;
      process.exitCode = await runDemos({
        which,
        ...urlsOf(cmd),
        dataDir: dataDirOf(cmd),
        dns,
        driver: flags.driver,
        nodes: flags.nodes,
        portsFrom: flags.portsFrom,
      });
    });
}

/**
 * The NATS and API URLs to use: the flags (or env), except that a data dir given explicitly with a running cluster
 * supplies the ones not given (as for every command); a data dir with no cluster yet is where the demo starts one.
 */
function urlsOf(cmd: Command): { natsUrl: string; apiUrl: string } {
  const g = cmd.optsWithGlobals() as { nats: string; api: string };
  const dir = dataDirOf(cmd);
  const defaulted = (key: string) => cmd.getOptionValueSourceWithGlobals(key) === "default";
  let urls = { natsUrl: g.nats, apiUrl: g.api };
  if (dir.from !== "default") {
    try {
      const local = clusterUrls(dir);
      urls = {
        natsUrl: defaulted("nats") ? local.natsUrl : g.nats,
        apiUrl: defaulted("api") ? local.apiUrl : g.api,
      };
    } catch (err) {
      if (!(err instanceof TugError && err.code === "NOT_FOUND")) throw err;
    }
  }
  return {
    natsUrl: checkedUrl(urls.natsUrl, "--nats", ["nats:"]),
    apiUrl: checkedUrl(urls.apiUrl, "--api", ["http:"]),
  };
}
