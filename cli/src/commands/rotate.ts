/**
 * `tug rotate api-token|redis [--retire]`: the cluster's credentials replaced while it runs (docs/security.md, "Rotating
 * credentials"). A rotation adds a new credential and keeps the old one valid; `--retire` then drops the old ones,
 * once every client has switched. Each step waits until the cluster has taken it.
 */
import type { Command } from "commander";
import { TugError } from "@tug/contracts";
import { sleep } from "@tug/runtime";
import { intArg } from "../args.js";
import { ApiClient } from "../clients.js";
import { apiCaOf } from "../context.js";
import { clusterUrls, dataDirOf } from "../data-dir.js";

/** Whether the API at `api` takes `token` for writes: a write to a path that does not exist is 404 if so, 403 if not. */
export async function apiAccepts(api: string, token: string, ca?: string): Promise<boolean> {
  try {
    await new ApiClient(api, 3_000, token, ca).write("POST", "/v1/_token-probe");
    return true;
  } catch (err) {
    if (err instanceof TugError && err.code === "NOT_FOUND") return true;
    if (err instanceof TugError && (err.code === "FORBIDDEN" || err.code === "UNAUTHENTICATED")) return false;
    throw err;
  }
}

/** The API of the local cluster and the CA its certificate is verified with. */
interface Api {
  url: string;
  ca?: string;
}

/** Polls until `apiAccepts(api, token) === want`; TIMEOUT after `timeoutMs`. */
async function until(api: Api, token: string, want: boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await apiAccepts(api.url, token, api.ca)) !== want) {
    if (Date.now() >= deadline)
      throw new TugError("TIMEOUT", `the API at ${api.url} has not ${what} after ${timeoutMs} ms`);
    await sleep(200);
  }
}

/** Registers `rotate`. */
export function rotateCommand(program: Command): void {
  const rotate = program
    .command("rotate")
    .description("replace the local cluster's credentials without a restart (a new one first, then --retire)");
  rotate
    .command("api-token")
    .description("make a new API write token (the old ones stay valid until --retire) and wait until the API takes it")
    .option("--retire", "drop every token but the current one, and wait until the API refuses them")
    .option("--timeout <seconds>", "give up (exit 1) after this long", intArg(1, 600), 10)
    .action(async (opts: { retire?: boolean; timeout: number }, cmd: Command) => {
      const { readApiTokens, retireApiTokens, rotateApiToken, apiTokenPath } = await import("@tug/cluster");
      const dir = dataDirOf(cmd);
      const { apiUrl } = clusterUrls(dir);
      const api = { url: apiUrl, ca: apiCaOf(dir, apiUrl) };
      const ms = opts.timeout * 1000;
      if (opts.retire) {
        const old = readApiTokens(dir.path).slice(1);
        const n = retireApiTokens(dir.path);
        for (const t of old) await until(api, t, false, ms, "stopped taking a retired token");
        process.stdout.write(
          `retired ${n} old API token(s); the API takes only the current one in ${apiTokenPath(dir.path)}\n`,
        );
        return;
      }
      const token = rotateApiToken(dir.path);
      await until(api, token, true, ms, "taken the new token");
      const kept = readApiTokens(dir.path).length - 1;
      process.stdout.write(
        [
          `new API token in ${apiTokenPath(dir.path)} (the CLI uses it from now on); the API takes it`,
          `the ${kept} older token(s) stay valid until: tug rotate api-token --retire`,
        ].join("\n") + "\n",
      );
    });
  rotate
    .command("redis")
    .description("give every Redis user a new password (the old ones stay valid until --retire); processes follow")
    .option("--retire", "remove every Redis password but the current one")
    .action(async (opts: { retire?: boolean }, cmd: Command) => {
      const { retireRedisPasswords, rotateRedisPasswords } = await import("@tug/cluster");
      const { PASSWORD_FILE_POLL_MS } = await import("@tug/state");
      const dir = dataDirOf(cmd);
      const r = opts.retire ? await retireRedisPasswords(dir.path) : await rotateRedisPasswords(dir.path);
      const lines = opts.retire
        ? [`retired the old passwords of ${r.users.length} Redis user(s) on ${r.servers.join(", ")}`]
        : [
            `new passwords for ${r.users.length} Redis users on ${r.servers.join(", ")}`,
            ...(r.sentinels.length ? [`Sentinels told: ${r.sentinels.join(", ")}`] : []),
            `every process uses them at its next connect (within ${PASSWORD_FILE_POLL_MS / 1000} s of now);` +
              " the old ones stay valid until: tug rotate redis --retire",
          ];
      for (const u of r.unreachable) lines.push(`not reached: ${u} (it loads the new users.acl when it starts)`);
      process.stdout.write(`${lines.join("\n")}\n`);
    });
}
