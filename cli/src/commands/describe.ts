/** `tug describe deployment NAME`: spec summary, conditions, revisions, replicas and recent events. */
import type { Command } from "commander";
import type { ReplicaRecord } from "@tug/contracts";
import type { DeploymentDetail } from "../api-types.js";
import { kindArg, labelArg } from "../args.js";
import { contextOf } from "../context.js";
import { age, clock, cpu, memory, render, table } from "../format.js";
import { replicaStateCells } from "./get.js";

const indent = (text: string) =>
  text
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");

/** Renders a deployment's detail as the human-readable description. */
export function describeDeployment(d: DeploymentDetail, now = Date.now()): string {
  const { deployment: dep, replicas } = d;
  const t = dep.template;
  const lines = [
    `Name:          ${dep.name}`,
    `Namespace:     ${dep.namespace}`,
    `Created:       ${age(dep.createdAt, now)} ago`,
    `Replicas:      ${dep.replicas} desired | ${replicas.total} total | ${replicas.ready} ready`,
    `Revision:      ${dep.revision}${dep.lastGoodRevision ? ` (last good ${dep.lastGoodRevision})` : ""}${dep.paused ? " (paused)" : ""}`,
    `Image:         ${t.image ?? "<none>"}`,
    `Command:       ${t.command?.join(" ") ?? "<none>"}`,
    `Ports:         ${t.ports.map((p) => `${p.name ?? p.containerPort}:${p.containerPort}${p.published ? ` published ${p.published}` : ""}`).join(", ") || "<none>"}`,
    `Resources:     cpu ${cpu(t.resources.cpuMillis)}, memory ${memory(t.resources.memoryBytes)}`,
    `Strategy:      ${dep.strategy.type} maxSurge=${dep.strategy.maxSurge} maxUnavailable=${dep.strategy.maxUnavailable} autoRollback=${dep.strategy.autoRollback}`,
  ];
  if (dep.autoscale)
    lines.push(
      `Autoscale:     ${dep.autoscale.min}-${dep.autoscale.max}${dep.lastScale ? `, last ${dep.lastScale.from} -> ${dep.lastScale.to}: ${dep.lastScale.reason}` : ""}`,
    );
  if (dep.condition)
    lines.push(`Condition:     ${dep.condition.type} ${dep.condition.reason}: ${dep.condition.message}`);
  lines.push(
    "Revisions:",
    indent(
      table(
        ["revision", "replicas", "ready", "image/command"],
        d.revisions.map((r) => {
          const c = replicas.byRevision[String(r.revision)];
          return [
            `${r.revision}${r.current ? " (current)" : ""}`,
            c?.total ?? 0,
            c?.ready ?? 0,
            r.image ?? r.command?.join(" ") ?? "",
          ];
        }),
      ),
    ),
  );
  lines.push(
    "Replicas:",
    replicas.items.length === 0
      ? "  <none>"
      : indent(
          table(
            ["name", "rev", "node", "phase", "ready", "endpoint", "restarts", "reason"],
            replicas.items.map((r) => [
              r.id,
              r.revision,
              r.node ?? "<pending>",
              ...replicaStateCells(r),
              [r.reason, r.message].filter(Boolean).join(": "),
            ]),
          ),
        ),
  );
  const restarted = replicas.items.filter((r) => r.restarts > 0 || r.lastExit || r.phase === "CrashLoopBackOff");
  if (restarted.length) lines.push("Restarts:", indent(restartsTable(restarted, now)));
  for (const r of restarted) if (r.lastExit?.message) lines.push(`Last exit of ${r.id}:`, indent(r.lastExit.message));
  lines.push(
    "Events:",
    d.events.length === 0
      ? "  <none>"
      : indent(
          table(
            ["time", "object", "reason", "message"],
            d.events.map((e) => [clock(e.at), e.object, e.reason, e.message]),
          ),
        ),
  );
  return lines.join("\n");
}

/** Restart history per replica: how often, the last exit (code, reason, when) and whether it is backing off. */
export function restartsTable(replicas: readonly ReplicaRecord[], now = Date.now()): string {
  return table(
    ["name", "restarts", "last exit", "reason", "exited", "state"],
    replicas.map((r) => [
      r.id,
      r.restarts,
      r.lastExit ? String(r.lastExit.code ?? "signal/unknown") : "",
      r.lastExit?.reason ?? "",
      r.lastExit ? `${age(r.lastExit.at, now)} ago` : "",
      r.phase === "CrashLoopBackOff" ? `CrashLoopBackOff${r.message ? `: ${r.message}` : ""}` : r.phase,
    ]),
  );
}

/** Registers `describe`. */
export function describeCommand(program: Command): void {
  program
    .command("describe")
    .description("show a deployment in detail: revisions, replicas (and why one is pending), events")
    .argument("<kind>", "deployment", kindArg)
    .argument("<name>", "deployment name", labelArg)
    .option("-n, --namespace <ns>", "namespace", labelArg, "default")
    .action(async (_kind: string, name: string, opts: { namespace: string }, cmd: Command) => {
      const ctx = contextOf(cmd);
      const d = await ctx.api.get<DeploymentDetail>(`/v1/deployments/${opts.namespace}/${name}`);
      ctx.out(render(d, ctx.output, (x) => describeDeployment(x)));
    });
}
