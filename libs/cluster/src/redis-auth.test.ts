import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REDIS_USERS } from "@tug/state";
import { type ClusterAddresses, CONTROL_PLANE_ROLES, controlPlaneSpecs, redisSpec, workerSpecs } from "./components.js";
import { resolveOptions } from "./options.js";
import { redisAuthDir, writeRedisCredentials } from "./redis-auth.js";

const dataDir = mkdtempSync(join(tmpdir(), "tug-redis-auth-test-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const mode = (p: string) => statSync(p).mode & 0o777;

describe("a cluster's Redis credentials", () => {
  const creds = writeRedisCredentials(dataDir, "p1");

  it("keeps one random password per user in a file only the owner reads, and the ACL file without them", () => {
    expect(mode(redisAuthDir(dataDir))).toBe(0o700);
    expect(mode(creds.aclFile)).toBe(0o600);
    const acl = readFileSync(creds.aclFile, "utf8");
    for (const u of REDIS_USERS) {
      expect(mode(creds.passwordFile(u))).toBe(0o600);
      expect(readFileSync(creds.passwordFile(u), "utf8").trim()).toBe(creds.passwords[u]);
      expect(acl).not.toContain(creds.passwords[u]);
      expect(acl).toMatch(new RegExp(`^user ${u} on #[0-9a-f]{64} `, "m"));
    }
    expect(new Set(Object.values(creds.passwords)).size).toBe(REDIS_USERS.length);
    const again = writeRedisCredentials(dataDir, "p1");
    expect(again.passwords.admin).not.toBe(creds.passwords.admin); // new at each start
    expect(writeRedisCredentials(dataDir, "p1", { keep: true }).passwords).toEqual(again.passwords); // compose keeps
  });

  it("gives each control-plane role its own user through a password file, and workers nothing about Redis", () => {
    const c = writeRedisCredentials(dataDir, "p1");
    const o = resolveOptions({ dataDir, nodes: 2, prefix: "p1" });
    const a: ClusterAddresses = {
      natsPort: 1,
      redisPort: 2,
      apiPort: 3,
      dnsPort: 4,
      natsUrl: "nats://127.0.0.1:1",
      redisUrl: "redis://127.0.0.1:2",
    };
    expect(redisSpec(o, a, c).args!.join(" ")).toContain(`--aclfile ${c.aclFile}`);
    const specs = controlPlaneSpecs(o, a, c, [10, 11, 12, 13, 14, 15], []);
    expect(specs.map((s) => s.env!.TUG_REDIS_USER)).toEqual([...CONTROL_PLANE_ROLES]);
    for (const s of specs) {
      expect(s.env!.TUG_REDIS_PASSWORD_FILE).toBe(c.passwordFile(s.role as (typeof REDIS_USERS)[number]));
      expect(JSON.stringify([s.env, s.args])).not.toContain(c.passwords[s.role as "controller"]);
    }
    for (const w of workerSpecs(o, a, [20, 21])) expect(Object.keys(w.env!).filter((k) => /REDIS/.test(k))).toEqual([]);
  });
});
