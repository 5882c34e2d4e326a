/** What every command needs: resolved global options, the two clients, and where output goes. */
import type { Command } from "commander";
import { ApiClient, IntakeClient } from "./clients.js";
import { UsageError } from "./errors.js";
import { OUTPUT_FORMATS, type OutputFormat } from "./format.js";

/** A command's runtime context. */
export interface Ctx {
  api: ApiClient;
  intake: IntakeClient;
  output: OutputFormat;
  /** Writes one block of output followed by a newline. */
  out(text: string): void;
}

/** Resolves the global options of `cmd` (flags, then env, then defaults) into a context. */
export function contextOf(cmd: Command, out: (text: string) => void = (t) => process.stdout.write(`${t}\n`)): Ctx {
  const g = cmd.optsWithGlobals() as { nats: string; api: string; output: string };
  if (!(OUTPUT_FORMATS as readonly string[]).includes(g.output)) throw new UsageError(`-o must be one of ${OUTPUT_FORMATS.join(", ")}, got ${JSON.stringify(g.output)}`);
  return { api: new ApiClient(url(g.api, "--api", ["http:", "https:"])), intake: new IntakeClient(url(g.nats, "--nats", ["nats:", "tls:"])), output: g.output as OutputFormat, out };
}

function url(v: string, flag: string, schemes: string[]): string {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new UsageError(`${flag} must be a URL, got ${JSON.stringify(v)}`);
  }
  if (!schemes.includes(u.protocol)) throw new UsageError(`${flag} must use ${schemes.join(" or ")}, got ${u.protocol}`);
  return v;
}
