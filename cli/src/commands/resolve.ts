/** `tug resolve NAME[.NS]`: what the registry says a service name resolves to. */
import type { Command } from "commander";
import type { ServiceView } from "../api-types.js";
import { serviceName } from "../args.js";
import { contextOf } from "../context.js";
import { render, table } from "../format.js";

/** The resolution as text: the DNS name, then one line per endpoint. */
export function resolveText(s: ServiceView): string {
  const head = `${s.name}.${s.namespace}.svc.tug.internal (revision ${s.revision}, index ${s.index}): ${s.endpoints.length} endpoint(s)`;
  if (s.endpoints.length === 0) return head;
  return `${head}\n${table(["address", "replica", "node"], s.endpoints.map((e) => [`${e.host}:${e.port}`, e.replica, e.node]))}`;
}

/** Registers `resolve`. */
export function resolveCommand(program: Command): void {
  program
    .command("resolve")
    .description("show the ready endpoints a service name resolves to")
    .argument("<name>", "NAME or NAME.NAMESPACE", serviceName)
    .action(async (svc: { name: string; namespace: string }, _opts: unknown, cmd: Command) => {
      const ctx = contextOf(cmd);
      const s = await ctx.api.get<ServiceView>(`/v1/services/${svc.namespace}/${svc.name}`);
      ctx.out(render(s, ctx.output, resolveText));
    });
}
