/**
 * The secret key of a local cluster (docs/security.md, "Secret env values"): `tug up` makes one the first time and
 * keeps it in `<data dir>/secret-key` (mode 0600) across restarts, since the secret env values in Redis are sealed
 * with it. Only the roles that seal (the controller, at the intake) or open (the health-monitor, for a node's sync
 * reply) are given its path (`TUG_SECRET_KEY_FILE`); workers, the registry and the rest never see it.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The control-plane roles that hold the secret key. */
export const SECRET_KEY_ROLES: readonly string[] = ["controller", "health-monitor"];

/** Where the secret key of the cluster in `dataDir` is kept. */
export function secretKeyPath(dataDir: string): string {
  return join(dataDir, "secret-key");
}

/**
 * Makes the key file when there is none (32 random bytes, base64, mode 0600) and otherwise keeps it (tightening its
 * mode to 0600): a key ring edited for a rotation (a new key on the first line) is used as it is. Returns the path.
 */
export function ensureSecretKey(dataDir: string): string {
  const path = secretKeyPath(dataDir);
  if (existsSync(path)) chmodSync(path, 0o600);
  else {
    mkdirSync(dataDir, { recursive: true });
    // "wx": a new file only, so its mode is 0600 from the first byte (and a racing start cannot overwrite a key)
    writeFileSync(path, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  }
  return path;
}
