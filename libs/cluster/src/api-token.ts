/**
 * The API write tokens of a local cluster, kept in `<data dir>/api-token` (mode 0600, only the owner reads it): one
 * token per line, the current one first. `tug up` makes a fresh single token at every start; `tug rotate api-token`
 * puts a new one first and keeps the others valid until `--retire` drops them, so clients can switch without a
 * failed write. The registry follows the file (`TUG_API_TOKEN_FILE`) and accepts every token in it; the CLI sends
 * the first as `Authorization: Bearer <token>` with every HTTP write.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeSecretFile } from "./secret-file.js";

/** Where the tokens of the cluster in `dataDir` are kept. */
export function apiTokenPath(dataDir: string): string {
  return join(dataDir, "api-token");
}

/** A new random token: 32 bytes, base64url. */
function newToken(): string {
  return randomBytes(32).toString("base64url");
}

function writeTokens(dataDir: string, tokens: readonly string[]): void {
  writeSecretFile(apiTokenPath(dataDir), `${tokens.join("\n")}\n`);
}

/** Makes a new random token, writes it as the only one (atomically, mode 0600), and returns it. */
export function writeApiToken(dataDir: string): string {
  const token = newToken();
  writeTokens(dataDir, [token]);
  return token;
}

/** The tokens of a token file's text: its non-empty lines, trimmed, in order (the current one first). */
export function parseApiTokens(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
}

/** Every valid token of the cluster in `dataDir`, current first; [] when there is none. */
export function readApiTokens(dataDir: string): string[] {
  try {
    return parseApiTokens(readFileSync(apiTokenPath(dataDir), "utf8"));
  } catch {
    return [];
  }
}

/** The current token of the cluster in `dataDir`, or undefined when there is none (no cluster started there). */
export function readApiToken(dataDir: string): string | undefined {
  return readApiTokens(dataDir)[0];
}

/** Puts a new token first, keeping the others valid; returns it. */
export function rotateApiToken(dataDir: string): string {
  const token = newToken();
  writeTokens(dataDir, [token, ...readApiTokens(dataDir)]);
  return token;
}

/** Keeps only the current token; returns how many were dropped. Throws when the data dir has no token. */
export function retireApiTokens(dataDir: string): number {
  const [current, ...old] = readApiTokens(dataDir);
  if (!current) throw new Error(`${apiTokenPath(dataDir)} holds no token: is a cluster running from this data dir?`);
  writeTokens(dataDir, [current]);
  return old.length;
}
