/**
 * The Redis ACL users against a real redis-server loading the ACL file `tug up` writes (issue 15): no credential
 * gets nothing (NOAUTH); the registry's and the proxy's users read but cannot write desired state, neither with a
 * plain SET/HSET nor with a store script; no user can FLUSHALL, CONFIG SET (but the operator), KEYS or DEBUG, and the
 * operator can change passwords and nothing else; a writer runs the store's
 * scripts but touches no key outside its cluster's prefix.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { manifestSchema, validate } from "@tug/contracts";
import { aclFile, aclRules, REDIS_USERS, RedisStore, type RedisUser } from "@tug/state";
import { fakeHeartbeat, newReplica, startRedis, type ServerHandle, uniquePrefix } from "@tug/testkit";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const prefix = uniquePrefix("acl");
const passwords = Object.fromEntries(REDIS_USERS.map((u) => [u, `pw-${u}-${prefix}`])) as Record<RedisUser, string>;
const WRITERS = ["controller", "scheduler", "health-monitor", "autoscaler", "admin"] as const;
const READERS = ["registry", "proxy"] as const;
const manifest = (name: string) => validate(manifestSchema, { name, command: ["x"], replicas: 1 });

let dir: string;
let redis: ServerHandle;
const clients: Array<{ close(): Promise<unknown> }> = [];

function client(user: RedisUser): Redis {
  const r = new Redis(redis.url, {
    username: user,
    password: passwords[user],
    maxRetriesPerRequest: 0,
    enableOfflineQueue: true,
    retryStrategy: () => null,
  });
  r.on("error", () => {});
  clients.push({ close: () => r.quit().catch(() => r.disconnect()) });
  return r;
}
function store(user: RedisUser): RedisStore {
  const s = new RedisStore({ url: redis.url, prefix, username: user, password: passwords[user] });
  clients.push(s);
  return s;
}
/** The first line of the reply to each command, sent one after the other on one raw connection (no client library). */
async function raw(...commands: string[][]): Promise<string[]> {
  const sock = connect(redis.port, "127.0.0.1");
  sock.write(
    commands.map((c) => `*${c.length}\r\n${c.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`).join(""),
  );
  let buf = "";
  for await (const chunk of sock) {
    buf += String(chunk);
    const lines = buf.split("\r\n").filter((l) => /^[+-]/.test(l));
    if (lines.length >= commands.length) {
      sock.destroy();
      return lines.slice(0, commands.length);
    }
  }
  return buf.split("\r\n");
}
/** The error message of `p`, or "ok". */
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (err: unknown) => String((err as Error)?.message ?? err),
  );

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tug-acl-"));
  const file = join(dir, "users.acl");
  writeFileSync(file, aclFile(passwords, prefix), { mode: 0o600 });
  redis = await startRedis(["--aclfile", file]);
});
afterAll(async () => {
  for (const c of clients) await c.close();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("Redis ACL users", () => {
  it("gives a client without credentials nothing (NOAUTH), and a wrong password no session", async () => {
    expect(await raw(["GET", `${prefix}:deps`], ["FLUSHALL"], ["INFO"], ["AUTH", "controller", "wrong"])).toEqual([
      expect.stringMatching(/^-NOAUTH/),
      expect.stringMatching(/^-NOAUTH/),
      expect.stringMatching(/^-NOAUTH/),
      expect.stringMatching(/^-WRONGPASS/),
    ]);
    expect(await raw(["AUTH", "admin", passwords.admin], ["PING"])).toEqual(["+OK", "+PONG"]); // the probe works
  });

  it("lets the registry and the proxy read desired state but never write it, plainly or through a script", async () => {
    const admin = store("admin");
    await admin.applyDeployment(manifest("web"));
    for (const u of READERS) {
      const s = store(u);
      expect((await s.deployment("default/web"))?.replicas).toBe(1);
      expect(await s.events()).not.toHaveLength(0);
      expect(await outcome(s.applyDeployment(manifest(`by-${u}`)))).toMatch(/NOPERM/);
      expect(await outcome(s.scaleDeployment("default/web", 5))).toMatch(/NOPERM/);
      const r = client(u);
      expect(await outcome(r.set(`${prefix}:dep:x`, "1"))).toMatch(/NOPERM/);
      expect(await outcome(r.hset(`${prefix}:dep:default/web`, "replicas", "9"))).toMatch(/NOPERM/);
      expect(await outcome(r.del(`${prefix}:deps`))).toMatch(/NOPERM/);
      expect(await outcome(r.eval("return 1", 0))).toMatch(/NOPERM/);
    }
    expect((await admin.deployment("default/web"))?.replicas).toBe(1);
    expect(await admin.deploymentIds()).toEqual(["default/web"]);
  });

  it("refuses FLUSHALL, FLUSHDB, CONFIG SET/GET, KEYS, DEBUG, SHUTDOWN and ACL to every user but the operator", async () => {
    for (const u of REDIS_USERS) {
      const r = client(u);
      await r.ping().catch(() => {}); // connected and authenticated (replication and sentinel may PING)
      for (const cmd of [
        ["FLUSHALL"],
        ["FLUSHDB"],
        ...(u === "operator" ? [] : [["CONFIG", "SET", "appendonly", "no"]]),
        ["CONFIG", "GET", "*"],
        ["KEYS", "*"],
        ["SHUTDOWN", "NOSAVE"],
        ["ACL", "LIST"],
        ["MONITOR"],
      ])
        expect([u, cmd[0], await outcome(r.call(cmd[0]!, ...cmd.slice(1)))]).toEqual([
          u,
          cmd[0],
          expect.stringMatching(/NOPERM/),
        ]);
    }
    // the operator changes passwords (tug rotate redis) and nothing else: no other ACL subcommand, no key
    const op = client("operator");
    expect(await op.call("ACL", "SETUSER", "controller", ">one-more-password")).toBe("OK");
    expect(await op.call("ACL", "SETUSER", "controller", "<one-more-password")).toBe("OK");
    expect(await outcome(op.call("ACL", "DELUSER", "controller"))).toMatch(/NOPERM/);
    expect(await outcome(op.call("ACL", "GETUSER", "controller"))).toMatch(/NOPERM/);
    expect(await outcome(op.get(`${prefix}:deps`))).toMatch(/NOPERM/);
    // DEBUG is refused before the ACL (enable-debug-command is off); the ACL refuses it too
    for (const u of REDIS_USERS) expect(aclRules(u, prefix)).not.toContain("+debug");
    expect(await client("admin").get(`${prefix}:lease:none`)).toBeNull(); // still up, data still there
  });

  it("lets each writer run the store's scripts on its cluster's keys and nothing outside them", async () => {
    for (const [i, u] of WRITERS.entries()) {
      const s = store(u);
      const id = `default/w${i}`;
      await s.applyDeployment(manifest(`w${i}`));
      await s.scaleDeployment(id, 2);
      await s.heartbeatNode(fakeHeartbeat(`n-${u}`));
      await s.createReplica(newReplica(`r-${u}`, { deployment: id }));
      await s.bindReplica(`r-${u}`, `n-${u}`, 1);
      await s.acquireLease(u, `holder-${u}`, 5_000);
      await s.markNodeNotReady(`n-${u}`, Date.now() + 1_000);
      expect((await s.deployment(id))?.replicas).toBe(2);
      const r = client(u);
      expect(await outcome(r.set("other-cluster:dep:x", "1"))).toMatch(/NOPERM/);
      expect(await outcome(r.get("other-cluster:dep:x"))).toMatch(/NOPERM/);
    }
  });

  it("keeps every scripted write across a restart (the append-only file replays under the ACL)", async () => {
    const s = store("controller");
    await s.applyDeployment(manifest("durable"));
    await s.scaleDeployment("default/durable", 4);
    await redis.restart();
    const after = store("admin");
    await after.ready();
    expect((await after.deployment("default/durable"))?.replicas).toBe(4);
    expect(await raw(["GET", `${prefix}:deps`])).toEqual([expect.stringMatching(/^-NOAUTH/)]);
  });

  it("lets the replication user do nothing but replicate, and read no key", async () => {
    const r = client("replication");
    expect(await r.ping()).toBe("PONG");
    expect(await outcome(r.get(`${prefix}:deps`))).toMatch(/NOPERM/);
    expect(await outcome(client("sentinel").get(`${prefix}:deps`))).toMatch(/NOPERM/);
  });
});
