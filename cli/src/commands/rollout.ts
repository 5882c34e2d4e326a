/** `tug rollout status|history|undo|pause|resume NAME`. */
import type { Command } from "commander";
import type { OkReply } from "@tug/contracts";
import type { DeploymentDetail } from "../api-types.js";
import { intArg, labelArg } from "../args.js";
import { contextOf } from "../context.js";
import { render, table } from "../format.js";
import { progress } from "../progress.js";
import { durationArg } from "./load.js";
import { watchRollout } from "./rollout-status.js";

/** The revision history as a table, newest first. */
export function historyTable(d: DeploymentDetail): string {
  return table(
    ["revision", "current", "image/command"],
    d.revisions.map((r) => [r.revision, r.current ? "*" : "", r.image ?? r.command?.join(" ") ?? ""]),
  );
}

/** Registers `rollout`. */
export function rolloutCommand(program: Command): void {
  const rollout = program.command("rollout").description("watch, pause, resume, inspect and undo rollouts");
  rollout
    .command("status")
    .description("follow a rollout until it completes (exit 0) or fails or is rolled back (exit 1)")
    .argument("<name>", "deployment name", labelArg)
    .option("--revision <r>", "the revision to follow (default: the current one)", intArg(1, Number.MAX_SAFE_INTEGER))
    .option("--timeout <d>", "give up after this long (exit 1)", durationArg, 600_000)
    .option("-n, --namespace <ns>", "namespace", labelArg, "default")
    .action(async (name: string, opts: { namespace: string; revision?: number; timeout: number }, cmd: Command) => {
      const ctx = contextOf(cmd);
      const live = progress();
      const path = `/v1/deployments/${opts.namespace}/${name}`;
      const r = await watchRollout(ctx, path, opts.revision, opts.timeout, (l) => live.update(l)).finally(() =>
        live.done(),
      );
      ctx.out(r.message);
      if (!r.ok) process.exitCode = 1;
    });
  for (const verb of ["pause", "resume"] as const) {
    rollout
      .command(verb)
      .description(
        verb === "pause" ? "stop the rollout where it is (scaling still works)" : "continue a paused rollout",
      )
      .argument("<name>", "deployment name", labelArg)
      .option("-n, --namespace <ns>", "namespace", labelArg, "default")
      .action(async (name: string, opts: { namespace: string }, cmd: Command) => {
        const ctx = contextOf(cmd);
        const r = await ctx.intake.request<OkReply>(verb, { namespace: opts.namespace, name });
        ctx.out(render(r, ctx.output, () => `deployment ${opts.namespace}/${name} ${verb}d (revision ${r.revision})`));
      });
  }
  rollout
    .command("history")
    .argument("<name>", "deployment name", labelArg)
    .option("-n, --namespace <ns>", "namespace", labelArg, "default")
    .action(async (name: string, opts: { namespace: string }, cmd: Command) => {
      const ctx = contextOf(cmd);
      const d = await ctx.api.get<DeploymentDetail>(`/v1/deployments/${opts.namespace}/${name}`);
      ctx.out(render(d.revisions, ctx.output, () => historyTable(d)));
    });
  rollout
    .command("undo")
    .argument("<name>", "deployment name", labelArg)
    .option(
      "--to-revision <r>",
      "revision to go back to (default: the previous one)",
      intArg(1, Number.MAX_SAFE_INTEGER),
    )
    .option("-n, --namespace <ns>", "namespace", labelArg, "default")
    .action(async (name: string, opts: { namespace: string; toRevision?: number }, cmd: Command) => {
      const ctx = contextOf(cmd);
      const body =
        opts.toRevision === undefined
          ? { namespace: opts.namespace, name }
          : { namespace: opts.namespace, name, toRevision: opts.toRevision };
      const r = await ctx.intake.request<OkReply>("rollback", body);
      ctx.out(render(r, ctx.output, () => `deployment ${opts.namespace}/${name} rolled back: revision ${r.revision}`));
    });
}
