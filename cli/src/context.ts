/** What every command needs: resolved global options, the two clients, and where output goes. */
import type { Command } from "commander";
import { ApiClient, IntakeClient } from "./clients.js";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { TugError } from "@tug/contracts";
import { type NatsCreds, natsCredsFromEnv, readNatsCreds } from "@tug/bus";
import { CLI_IDENTITY, natsCredsPath, readApiToken, tlsDir } from "@tug/cluster";
import { clusterUrls, type DataDir, dataDirOf } from "./data-dir.js";
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

/**
 * Resolves the global options of `cmd` (flags, then env, then defaults) into a context. A data dir given explicitly
 * (`--data-dir` or `TUG_DATA_DIR`) supplies the NATS and API URLs of the cluster `tug up` runs there, unless
 * `--nats`/`--api` (or their env vars) name them.
 */
export function contextOf(cmd: Command, out: (text: string) => void = (t) => process.stdout.write(`${t}\n`)): Ctx {
  const g = cmd.optsWithGlobals() as { nats: string; api: string; output: string };
  if (!(OUTPUT_FORMATS as readonly string[]).includes(g.output))
    throw new UsageError(`-o must be one of ${OUTPUT_FORMATS.join(", ")}, got ${JSON.stringify(g.output)}`);
  const dir = dataDirOf(cmd);
  const defaulted = (key: string) => cmd.getOptionValueSourceWithGlobals(key) === "default";
  const local = dir.from !== "default" && (defaulted("api") || defaulted("nats")) ? clusterUrls(dir) : undefined;
  const api = local && defaulted("api") ? local.apiUrl : g.api;
  const nats = local && defaulted("nats") ? local.natsUrl : g.nats;
  const clients = {
    api: new ApiClient(checkedUrl(api, "--api", ["http:", "https:"]), undefined, apiTokenOf(dir), apiCaOf(dir, api)),
    // a NATS cluster is a comma-separated list of server URLs (`tug up --ha`): each must be a URL
    intake: new IntakeClient(
      nats
        .split(",")
        .map((u) => checkedUrl(u.trim(), "--nats", ["nats:", "tls:"]))
        .join(","),
      undefined,
      natsCredsOf(dir),
    ),
  };
  return { ...clients, output: g.output as OutputFormat, out };
}

/** `v` when it is a URL with one of `schemes`; else a UsageError naming `flag`. */
export function checkedUrl(v: string, flag: string, schemes: string[]): string {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new UsageError(`${flag} must be a URL, got ${JSON.stringify(v)}`);
  }
  if (!schemes.includes(u.protocol))
    throw new UsageError(`${flag} must use ${schemes.join(" or ")}, got ${u.protocol}`);
  return v;
}

/** The API write token: `TUG_TOKEN` when set, else the one `tug up` keeps in the data dir (undefined if neither). */
export function apiTokenOf(dir: DataDir, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.TUG_TOKEN?.trim() || readApiToken(dir.path);
}

/**
 * The CA an https API is verified with: the PEM file `TUG_API_CA` names, else the cluster's own (`<data dir>/tls/
 * ca.pem`, which `tug up --api-host` uses), else none (the system's CAs). Unused for plain http. An unreadable
 * `TUG_API_CA` is a VALIDATION_FAILED naming it.
 */
export function apiCaOf(dir: DataDir, api: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!api.startsWith("https:")) return undefined;
  const file = env.TUG_API_CA?.trim();
  if (file) {
    try {
      return readFileSync(file, "utf8");
    } catch (err) {
      throw new TugError(
        "VALIDATION_FAILED",
        `TUG_API_CA: cannot read ${file}: ${(err as Error).message}`,
        "TUG_API_CA",
      );
    }
  }
  const own = join(tlsDir(dir.path), "ca.pem");
  return existsSync(own) ? readFileSync(own, "utf8") : undefined;
}

/**
 * The users' NATS credentials: the file `TUG_NATS_CREDS` names when set, else the one `tug up` keeps in the data
 * dir (`nats-auth/cli.creds`), else none (a NATS without authorization). A bad file throws NATS_CREDS_INVALID.
 */
export function natsCredsOf(dir: DataDir, env: NodeJS.ProcessEnv = process.env): NatsCreds | undefined {
  const fromEnv = natsCredsFromEnv(env);
  if (fromEnv) return fromEnv;
  const path = natsCredsPath(dir.path, CLI_IDENTITY);
  return existsSync(path) ? readNatsCreds(path) : undefined;
}
