/** Where the registry gets the API write token: a file (`TUG_API_TOKEN_FILE`, preferred) or the value itself. */
import { readFileSync } from "node:fs";

/** The two settings, as main.ts reads them from the environment. */
export interface TokenSettings {
  /** Path of a file holding the token (what `tug up` passes: `<data dir>/api-token`, mode 0600). */
  file?: string;
  /** The token itself (compose, or an operator who keeps it elsewhere). */
  value?: string;
}

/**
 * The configured token, trimmed; undefined when neither setting is given (the API then refuses every write).
 * A named file that cannot be read, or an empty token, is a startup error naming the setting.
 */
export function apiTokenOf(s: TokenSettings): string | undefined {
  if (s.file) {
    let text: string;
    try {
      text = readFileSync(s.file, "utf8");
    } catch (err) {
      throw new Error(`TUG_API_TOKEN_FILE: cannot read ${s.file}: ${(err as Error).message}`, { cause: err });
    }
    return nonEmpty(text.trim(), "TUG_API_TOKEN_FILE");
  }
  return s.value ? nonEmpty(s.value.trim(), "TUG_API_TOKEN") : undefined;
}

function nonEmpty(token: string, setting: string): string {
  if (token.length < 16 || /\s/.test(token)) throw new Error(`${setting}: the token must be 16+ characters, no spaces`);
  return token;
}
