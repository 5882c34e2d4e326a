/**
 * Where the registry gets the API write tokens: a file (`TUG_API_TOKEN_FILE`, preferred: one token per line, the
 * current first, as `tug up` and `tug rotate api-token` write it), followed while the registry runs so a rotation
 * needs no restart, or one token given as the value itself (`TUG_API_TOKEN`).
 */
import { readFileSync } from "node:fs";
import type { Logger } from "@tug/log";

/** The two settings, as main.ts reads them from the environment. */
export interface TokenSettings {
  /** Path of a file holding the tokens (what `tug up` passes: `<data dir>/api-token`, mode 0600). */
  file?: string;
  /** The token itself (compose, or an operator who keeps it elsewhere). */
  value?: string;
}

/** The tokens the API accepts right now, kept current. */
export interface ApiTokens {
  /** Every accepted token ([]: every write is refused). */
  list(): readonly string[];
  /** Stops following the file. Idempotent. */
  close(): void;
}

/** How often the token file is looked at (ms): a rotation takes effect within this. */
export const TOKEN_FILE_POLL_MS = 1_000;

/**
 * The configured tokens, trimmed; [] when neither setting is given (the API then refuses every write). A named
 * file that cannot be read, holds no token, or a token that is too short or has spaces, is an error naming the
 * setting.
 */
export function apiTokensOf(s: TokenSettings): string[] {
  if (s.file) {
    let text: string;
    try {
      text = readFileSync(s.file, "utf8");
    } catch (err) {
      throw new Error(`TUG_API_TOKEN_FILE: cannot read ${s.file}: ${(err as Error).message}`, { cause: err });
    }
    const tokens = text
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "");
    if (tokens.length === 0) throw new Error(`TUG_API_TOKEN_FILE: ${s.file} holds no token`);
    return tokens.map((t) => valid(t, "TUG_API_TOKEN_FILE"));
  }
  return s.value ? [valid(s.value.trim(), "TUG_API_TOKEN")] : [];
}

/**
 * The tokens of `s`, read now (errors as apiTokensOf: a bad setting stops the start) and, for a file, again whenever
 * it changes. A change that does not read as tokens is logged and ignored: the last good set stays.
 */
export function followApiTokens(s: TokenSettings, log: Logger, pollMs = TOKEN_FILE_POLL_MS): ApiTokens {
  let tokens = apiTokensOf(s);
  const file = s.file;
  if (!file) return { list: () => tokens, close: () => undefined };
  let lastError = "";
  const reread = () => {
    try {
      const next = apiTokensOf(s);
      lastError = "";
      if (next.join("\n") === tokens.join("\n")) return;
      tokens = next;
      log.info({ tokens: next.length }, "API tokens reloaded");
    } catch (err) {
      const message = (err as Error).message;
      if (message !== lastError) log.warn({ err: message }, "API token file does not read as tokens; kept the last");
      lastError = message; // said once, not at every look
    }
  };
  // read again on a timer rather than on stat changes: a watcher's first stat may come after a change made right after
  // the read above, and would then never see it
  const timer = setInterval(reread, pollMs).unref();
  return { list: () => tokens, close: () => clearInterval(timer) };
}

function valid(token: string, setting: string): string {
  if (token.length < 16 || /\s/.test(token)) throw new Error(`${setting}: a token must be 16+ characters, no spaces`);
  return token;
}
