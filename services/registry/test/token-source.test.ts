/**
 * The registry's API tokens from a file, followed while it runs (issue 15: rotation without a restart): a rotation
 * written by `tug rotate api-token` (new token first, the old kept) is taken within the poll, a retirement drops the
 * old one, and a change that does not read as tokens leaves the last good set. The guard accepts any listed token.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "@tug/log";
import { eventually } from "@tug/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { checkWrite } from "../src/auth.js";
import { apiTokensOf, followApiTokens } from "../src/token-source.js";

const dir = mkdtempSync(join(tmpdir(), "tug-token-source-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
/** The token file as `tug up` / `tug rotate api-token` write it: one token per line, the current first. */
const file = join(dir, "api-token");
const put = (...tokens: string[]) => writeFileSync(file, `${tokens.join("\n")}\n`);
const write = (token: string) => ({ method: "POST", url: "/v1/apply", headers: { authorization: `Bearer ${token}` } });

describe("API tokens from a file", () => {
  it("refuses at start a missing or empty file, or a short token", () => {
    expect(() => apiTokensOf({ file: join(dir, "none") })).toThrow(/TUG_API_TOKEN_FILE: cannot read/);
    writeFileSync(join(dir, "empty"), "\n\n");
    expect(() => apiTokensOf({ file: join(dir, "empty") })).toThrow(/holds no token/);
    expect(() => apiTokensOf({ value: "short" })).toThrow(/16\+ characters/);
    expect(apiTokensOf({})).toEqual([]);
  });

  it("follows rotations and retirements; a bad change keeps the last good set", async () => {
    const [first, second] = ["first-token-0123456789", "second-token-0123456789"];
    put(first);
    const tokens = followApiTokens({ file }, silentLogger(), 20);
    try {
      expect(tokens.list()).toEqual([first]);
      put(second, first);
      await eventually(async () => expect(tokens.list()).toEqual([second, first]), { timeoutMs: 3_000 });
      expect(() => checkWrite(write(first), () => tokens.list())).not.toThrow();
      expect(() => checkWrite(write(second), () => tokens.list())).not.toThrow();
      put(second);
      await eventually(async () => expect(tokens.list()).toEqual([second]), { timeoutMs: 3_000 });
      expect(() => checkWrite(write(first), () => tokens.list())).toThrow(/not valid/);
      put("has a space in it and more");
      await new Promise((r) => setTimeout(r, 200));
      expect(tokens.list()).toEqual([second]);
    } finally {
      tokens.close();
    }
  });
});
