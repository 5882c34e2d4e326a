/**
 * `tug node cordon|uncordon|drain NODE`: node maintenance over the NATS intake; drain waits until the node is empty.
 */
import type { Command } from "commander";
import { type OkReply, type ReplicaRecord, TugError } from "@tug/contracts";
import { sleep } from "@tug/runtime";
import type { List } from "../api-types.js";
import { intArg, nodeArg } from "../args.js";
import { contextOf, type Ctx } from "../context.js";
import { dataDirOf } from "../data-dir.js";
import { type OutputFormat, render } from "../format.js";
import { progress } from "../progress.js";

/** How often drain looks at the node's replicas (ms). */
const DRAIN_POLL_MS = 500;

/** Replicas bound to `node` that should still run there (a drain is done when none is left). */
export function stillOnNode(replicas: readonly ReplicaRecord[], node: string): ReplicaRecord[] {
  return replicas.filter((r) => r.node === node && r.desired === "run");
}

/**
 * Polls until no replica with desired run is left on `node`; prints progress when the set changes; TIMEOUT after
 * `timeoutMs`.
 */
export async function waitDrained(
  ctx: Ctx,
  node: string,
  timeoutMs: number,
  report: (line: string) => void,
): Promise<number> {
  const started = Date.now();
  let last = "";
  for (;;) {
    const left = stillOnNode((await ctx.api.get<List<ReplicaRecord>>("/v1/replicas")).items, node);
    const ids = left
      .map((r) => r.id)
      .sort()
      .join(", ");
    if (left.length === 0) return Date.now() - started;
    if (ids !== last) report(`${node}: waiting for ${left.length} replica(s) to move: ${ids}`);
    last = ids;
    if (Date.now() - started >= timeoutMs)
      throw new TugError(
        "TIMEOUT",
        `${node} still has ${left.length} replica(s) that should run after ${Math.round(timeoutMs / 1000)} s: ${ids}`,
        "timeout",
      );
    await sleep(Math.min(DRAIN_POLL_MS, Math.max(1, timeoutMs - (Date.now() - started))));
  }
}

/** Registers `node cordon|uncordon|drain`. */
export function nodeCommand(program: Command): void {
  const node = program.command("node").description("cordon, uncordon or drain a node; add one's NATS credentials");
  node
    .command("add")
    .description("write NATS credentials for a node that joins from another host, and reload the cluster's NATS")
    .argument("<node>", "node id", nodeArg)
    .option("--rotate", "replace the node's password (the old one stops working at the reload)")
    .option(
      "--hollow <n>",
      "speak for hollow nodes <node>-1 … <node>-<n> (tug hollow --prefix <node>)",
      intArg(1, 100_000),
    )
    .action(async (id: string, opts: { rotate?: boolean; hollow?: number }, cmd: Command) => {
      const { addNode } = await import("@tug/cluster");
      const r = addNode(dataDirOf(cmd).path, id, opts);
      const output = (cmd.optsWithGlobals() as { output: OutputFormat }).output;
      const join = `tug worker --join ${r.natsUrl ?? "nats://ADDR:4222"} --address ADDR --node ${id} --creds FILE`;
      const reload = r.reloaded.length ? `reloaded ${r.reloaded.join(", ")}` : "no running cluster: the next tug up";
      process.stdout.write(
        render(r, output, () =>
          [
            `credentials for ${r.nodes.length > 1 ? `${r.nodes.length} nodes` : `node ${id}`}: ${r.creds}`,
            `NATS: ${reload}`,
            `copy the file to the node's host (keep it mode 0600), then: ${join}`,
          ].join("\n"),
        ) + "\n",
      );
    });
  const simple = (verb: "cordon" | "uncordon", what: string) =>
    node
      .command(verb)
      .description(what)
      .argument("<node>", "node id", nodeArg)
      .action(async (id: string, _opts: unknown, cmd: Command) => {
        const ctx = contextOf(cmd);
        const r = await ctx.intake.request<OkReply>(verb, { node: id });
        ctx.out(render(r, ctx.output, () => `node ${id} ${verb}ed`));
      });
  simple("cordon", "mark a node unschedulable (its replicas stay)");
  simple("uncordon", "make a node schedulable again (also ends a drain)");
  node
    .command("drain")
    .description(
      "cordon a node and move its replicas away (replacement ready first, then the old copy stops); " +
        "waits until it is empty",
    )
    .argument("<node>", "node id", nodeArg)
    .option("--timeout <seconds>", "give up (exit 1) after this long", intArg(1, 86_400), 300)
    .action(async (id: string, opts: { timeout: number }, cmd: Command) => {
      const ctx = contextOf(cmd);
      await ctx.intake.request<OkReply>("drain", { node: id });
      const live = ctx.output === "table" ? progress() : undefined;
      live?.log(`node ${id} cordoned and draining`);
      const waitedMs = await waitDrained(ctx, id, opts.timeout * 1000, (l) => live?.update(l)).finally(() =>
        live?.done(),
      );
      ctx.out(
        render(
          { node: id, drained: true, waitedMs },
          ctx.output,
          () => `node ${id} drained in ${(waitedMs / 1000).toFixed(1)} s`,
        ),
      );
    });
}
