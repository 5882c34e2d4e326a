/**
 * The API write token of a local cluster: `tug up` makes a fresh random one at every start and keeps it in
 * `<data dir>/api-token` (mode 0600, only the owner reads it); the registry reads the file (`TUG_API_TOKEN_FILE`)
 * and the CLI sends it as `Authorization: Bearer <token>` with every HTTP write.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Where the token of the cluster in `dataDir` is kept. */
export function apiTokenPath(dataDir: string): string {
  return join(dataDir, "api-token");
}

/** Makes a new random token (32 bytes, base64url), writes it atomically with mode 0600, and returns it. */
export function writeApiToken(dataDir: string): string {
  const token = randomBytes(32).toString("base64url");
  mkdirSync(dataDir, { recursive: true });
  const path = apiTokenPath(dataDir);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${token}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600); // the mode option does not apply when the file already existed
  renameSync(tmp, path);
  return token;
}

/** The token of the cluster in `dataDir`, or undefined when there is none (no cluster started there). */
export function readApiToken(dataDir: string): string | undefined {
  try {
    return readFileSync(apiTokenPath(dataDir), "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}
