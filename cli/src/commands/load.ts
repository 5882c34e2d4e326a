/** `tug load NAME --rps R --duration D [--port P]`: bounded load through the proxy on 127.0.0.1:<published port>. */
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { TugError } from "@tug/contracts";
import type { DeploymentDetail } from "../api-types.js";
import { intArg, labelArg } from "../args.js";
import { contextOf } from "../context.js";
import { render } from "../format.js";
import { LIMITS, type LoadResult, runLoad } from "../loadgen.js";

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** An argParser for durations like `30s`, `2m`, `500ms` or plain seconds (`10`), > 0 and ≤ 1 h; returns ms. */
export function durationArg(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v.trim());
  const ms = m ? Number(m[1]) * UNITS[m[2] ?? "s"]! : NaN;
  if (!(ms > 0 && ms <= LIMITS.maxDurationMs))
    throw new InvalidArgumentError(`must be a duration like 30s, 2m or 500ms (at most 1h), got ${JSON.stringify(v)}`);
  return Math.round(ms);
}

/** The published port to load: `wanted` when the deployment publishes it, else its first published port. */
export function publishedPort(d: DeploymentDetail, wanted?: number): number {
  const published = d.deployment.template.ports.map((p) => p.published).filter((p): p is number => p !== undefined);
  if (published.length === 0)
    throw new TugError(
      "VALIDATION_FAILED",
      `deployment ${d.deployment.id} publishes no port; add ports[].published`,
      "name",
    );
  if (wanted === undefined) return published[0]!;
  if (!published.includes(wanted))
    throw new TugError(
      "VALIDATION_FAILED",
      `deployment ${d.deployment.id} publishes ${published.join(", ")}, not ${wanted}`,
      "port",
    );
  return wanted;
}

/** Human-readable report of a run. */
export function loadText(target: string, r: LoadResult): string {
  const errs = Object.entries(r.errors)
    .map(([k, n]) => `${k}=${n}`)
    .join(" ");
  return [
    `target   ${target}`,
    `sent     ${r.sent} in ${(r.elapsedMs / 1000).toFixed(1)}s`,
    `ok       ${r.ok}`,
    `failed   ${r.failed}${errs ? ` (${errs})` : ""}`,
    `latency  p50 ${r.latencyMs.p50}ms  p90 ${r.latencyMs.p90}ms  p99 ${r.latencyMs.p99}ms  max ${r.latencyMs.max}ms`,
  ].join("\n");
}

/** Registers `load`. */
export function loadCommand(program: Command): void {
  program
    .command("load")
    .description("send bounded HTTP load through the proxy (127.0.0.1 only); exit 1 if any request failed")
    .argument("<name>", "deployment name", labelArg)
    .requiredOption("--rps <r>", "requests per second", intArg(1, LIMITS.maxRps))
    .requiredOption("--duration <d>", "how long, e.g. 30s or 2m (at most 1h)", durationArg)
    .option("--port <p>", "which published port (default: the first)", intArg(1, 65_535))
    .option("--path <path>", "request path", "/")
    .option("-n, --namespace <ns>", "namespace", labelArg, "default")
    .action(
      async (
        name: string,
        opts: { rps: number; duration: number; port?: number; path: string; namespace: string },
        cmd: Command,
      ) => {
        const ctx = contextOf(cmd);
        const d = await ctx.api.get<DeploymentDetail>(`/v1/deployments/${opts.namespace}/${name}`);
        const port = publishedPort(d, opts.port);
        const r = await runLoad({ host: "127.0.0.1", port, rps: opts.rps, durationMs: opts.duration, path: opts.path });
        ctx.out(render(r, ctx.output, (x) => loadText(`127.0.0.1:${port}${opts.path}`, x)));
        if (r.failed > 0) process.exitCode = 1;
      },
    );
}
