/**
 * Loads the Lua scripts from `lua/<verbNoun>-<numKeys>.lua`, expanding `--@include <name>` lines, and registers
 * each on an ioredis client as a command (EVALSHA with automatic reload).
 *
 * Every script gets a `#!lua` shebang with no flags, which declares that it may write: Redis then checks
 * `min-replicas-to-write` before running it, not at its first write. So a primary cut off from its replicas (or an
 * old primary back from a crash, not yet demoted) refuses even a script that would only read and fail (NOREPLICAS,
 * retryable), instead of answering NOT_FOUND from stale data.
 */
import { readdirSync, readFileSync } from "node:fs";
import type { Redis } from "ioredis";

const LUA_DIR = new URL("../src/lua/", import.meta.url);

/** Script sources by command name, with their number of keys. */
export function loadScripts(): Map<string, { numberOfKeys: number; lua: string }> {
  const out = new Map<string, { numberOfKeys: number; lua: string }>();
  for (const file of readdirSync(LUA_DIR)) {
    const m = /^([a-zA-Z]+)-(\d+)\.lua$/.exec(file);
    if (!m) continue;
    const body = readFileSync(new URL(file, LUA_DIR), "utf8").replace(/^--@include (\w+)$/gm, (_, name: string) =>
      readFileSync(new URL(`${name}.lua`, LUA_DIR), "utf8"),
    );
    out.set(m[1]!, { numberOfKeys: Number(m[2]), lua: `#!lua\n${body}` });
  }
  return out;
}

/** Defines every script on `redis`; returns the names. */
export function defineScripts(redis: Redis): string[] {
  const scripts = loadScripts();
  for (const [name, s] of scripts) redis.defineCommand(name, { numberOfKeys: s.numberOfKeys, lua: s.lua });
  return [...scripts.keys()];
}
