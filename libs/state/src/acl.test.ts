/**
 * The ACL lists stay in step with the code: every command a Lua script calls, and every command the store sends
 * outside scripts, is in the list its users are given (a new `redis.call` without an ACL entry fails here, not in
 * production with NOPERM).
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { aclFile, aclRules, REDIS_USERS, STORE_READS, STORE_WRITES } from "./acl.js";

const src = new URL("./", import.meta.url);
const lua = readdirSync(new URL("lua/", src)).map((f) => readFileSync(new URL(`lua/${f}`, src), "utf8"));

describe("Redis ACL rules", () => {
  it("allow every command the Lua scripts call", () => {
    const called = new Set(
      lua.flatMap((s) => [...s.matchAll(/call\(\s*['"](\w+)['"]/g)].map((m) => m[1]!.toLowerCase())),
    );
    expect(called.size).toBeGreaterThan(10);
    expect([...called].filter((c) => !(STORE_WRITES as readonly string[]).includes(c))).toEqual([]);
    // a call through a variable command name would escape the check above
    expect(lua.join("\n")).not.toMatch(/call\(\s*[a-z_]+\s*[,)]/);
  });

  it("allow every command the store sends outside scripts", () => {
    const store = readFileSync(new URL("store.ts", src), "utf8");
    const sent = new Set([...store.matchAll(/(?:this\.redis|\bp)\.(\w+)\(/g)].map((m) => m[1]!.toLowerCase()));
    for (const api of ["on", "off", "once", "quit", "disconnect", "pipeline", "exec"]) sent.delete(api);
    expect([...sent].filter((c) => !(STORE_READS as readonly string[]).includes(c))).toEqual([]);
  });

  it("start every user from nothing; component users end without the dangerous commands; readers get no write", () => {
    for (const u of REDIS_USERS) expect(aclRules(u, "tug")).toContain("-@all");
    for (const u of ["controller", "scheduler", "health-monitor", "autoscaler", "registry", "proxy", "admin"] as const)
      expect(aclRules(u, "tug")).toContain("-@dangerous");
    for (const u of ["registry", "proxy"] as const) {
      const r = aclRules(u, "tug");
      expect(r).toContain("%R~tug:*");
      expect(r.filter((x) => /^\+(eval|evalsha|set|hset|del)$/.test(x))).toEqual([]);
    }
    const file = aclFile({ controller: "secret" }, "tug");
    expect(file).toMatch(/^user default off /m);
    expect(file).not.toContain("secret");
  });
});
