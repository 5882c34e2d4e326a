/** The secret key ring a control-plane process is given (docs/security.md, "Secret env values"). */
import { readFileSync } from "node:fs";
import { parseSecretKeys, SecretBox } from "@tug/state";

/**
 * The key ring from TUG_SECRET_KEY_FILE (preferred: what `tug up` passes, `<data dir>/secret-key`, mode 0600) or
 * TUG_SECRET_KEY (keys separated by commas; compose), the current key first; undefined when neither is set (the
 * process then refuses to seal or open a secret). An unreadable file or a malformed key is a startup error naming
 * the variable, never showing a key.
 */
export function secretBoxOf(env: NodeJS.ProcessEnv): SecretBox | undefined {
  const file = env.TUG_SECRET_KEY_FILE;
  let text = env.TUG_SECRET_KEY || "";
  let from = "TUG_SECRET_KEY";
  if (file) {
    from = "TUG_SECRET_KEY_FILE";
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      throw new Error(`TUG_SECRET_KEY_FILE: cannot read ${file}: ${(err as Error).message}`, { cause: err });
    }
  }
  const keys = parseSecretKeys(text);
  if (keys.length === 0) return undefined;
  try {
    return new SecretBox(keys);
  } catch (err) {
    throw new Error(`${from}: ${(err as Error).message}`, { cause: err });
  }
}
