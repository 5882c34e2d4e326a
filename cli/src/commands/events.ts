/** `tug events [--follow]`: the cluster event stream, polled from `/v1/events?since=`. */
import type { Command } from "commander";
import type { ClusterEvent } from "@tug/contracts";
import type { EventPage } from "../api-types.js";
import { intArg } from "../args.js";
import { contextOf } from "../context.js";
import { clock, table } from "../format.js";

/** Event rows (no header when `header` is false, for follow mode). */
export function eventsTable(events: readonly ClusterEvent[], header = true): string {
  const t = table(
    ["time", "kind", "object", "reason", "message"],
    events.map((e) => [clock(e.at), e.kind, e.object, e.reason, e.message]),
  );
  return header ? t : t.split("\n").slice(1).join("\n");
}

/** Registers `events`. */
export function eventsCommand(program: Command): void {
  program
    .command("events")
    .description("list cluster events; --follow keeps printing new ones")
    .option("-f, --follow", "keep polling for new events")
    .option("--interval <ms>", "poll period with --follow", intArg(100, 60_000), 1000)
    .action(async (opts: { follow?: boolean; interval: number }, cmd: Command) => {
      const ctx = contextOf(cmd);
      let since = "0";
      let first = true;
      for (;;) {
        const page = await ctx.api.get<EventPage>(`/v1/events?since=${encodeURIComponent(since)}`);
        since = page.next;
        if (ctx.output === "table") {
          if (page.items.length || first) ctx.out(eventsTable(page.items, first));
        } else {
          for (const e of page.items) ctx.out(JSON.stringify(e));
        }
        first = false;
        if (!opts.follow) return;
        await new Promise((r) => setTimeout(r, opts.interval));
      }
    });
}
