import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { HA_EXTRA_PORTS, haAddresses, haNatsUrl, haSentinels, redisNameOfPort } from "./addresses.js";
import { writeRedisCredentials } from "../redis-auth.js";
import { setReplicaOf } from "./rejoin.js";
import { natsClusterSpecs, redisNodeSpecs, sentinelSpecs } from "./specs.js";

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "tug-ha-test-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const creds = () => writeRedisCredentials(tmp(), "tug");
const h = haAddresses(
  4222,
  6379,
  Array.from({ length: HA_EXTRA_PORTS }, (_, i) => 30_000 + i),
);

describe("the --ha layout", () => {
  it("puts nats-1 and redis-1 on the cluster's ports and every other server on a port of its own", () => {
    expect(h.natsPorts[0]).toBe(4222);
    expect(h.redisPorts[0]).toBe(6379);
    const all = [...h.natsPorts, ...h.routePorts, ...h.redisPorts, ...h.sentinelPorts];
    expect(new Set(all).size).toBe(all.length);
    expect(haNatsUrl(h).split(",")).toHaveLength(3);
    expect(haSentinels(h).split(",")).toHaveLength(3);
    expect(redisNameOfPort(h, h.redisPorts[2]!)).toBe("redis-3");
    expect(redisNameOfPort(h, 1)).toBeUndefined();
  });

  it("routes each NATS server to the two others, never to itself, all with the route user's password", () => {
    for (const [i, s] of natsClusterSpecs(tmp(), h).entries()) {
      const conf = readFileSync(s.args![s.args!.indexOf("-c") + 1]!, "utf8");
      const cluster = JSON.parse(conf.slice(conf.indexOf("{"), conf.lastIndexOf("}") + 1)) as {
        routes: string[];
        authorization: { user: string; password: string };
      };
      const { user, password } = cluster.authorization;
      expect(cluster.routes.join(",")).not.toContain(`:${h.routePorts[i]}`);
      expect(cluster.routes).toHaveLength(2);
      for (const r of cluster.routes) expect(r.startsWith(`nats://${user}:${password}@127.0.0.1:`)).toBe(true);
      expect(conf).toMatch(/^include auth\.conf$/m);
    }
  });

  it("starts redis-2 and redis-3 as replicas of redis-1, every server refusing writes without a replica", () => {
    const confs = redisNodeSpecs(tmp(), h, creds(), () => {}).map((s) => readFileSync(s.args![0]!, "utf8"));
    expect(confs[0]).not.toMatch(/^replicaof/m);
    for (const c of confs.slice(1))
      expect(c).toMatch(new RegExp(`^replicaof 127\\.0\\.0\\.1 ${h.redisPorts[0]}$`, "m"));
    for (const c of confs) expect(c).toMatch(/^min-replicas-to-write 1$/m);
    for (const c of confs) {
      expect(c).toMatch(/^aclfile ".*users\.acl"$/m);
      expect(c).toMatch(/^masteruser replication$/m);
      expect(c).toMatch(/^masterauth \S{20,}$/m);
    }
    const sentinel = readFileSync(sentinelSpecs(tmp(), h, creds())[0]!.args![0]!, "utf8");
    expect(sentinel).toMatch(new RegExp(`^sentinel monitor tug 127\\.0\\.0\\.1 ${h.redisPorts[0]} 2$`, "m"));
    expect(sentinel).toMatch(/^sentinel down-after-milliseconds tug 1000$/m);
    expect(sentinel).toMatch(/^sentinel auth-user tug sentinel$/m);
    expect(sentinel).toMatch(/^sentinel auth-pass tug \S{20,}$/m);
  });

  it("rewrites a config file's replicaof line (and removes it for a primary)", () => {
    const s = redisNodeSpecs(tmp(), h, creds(), () => {})[1]!;
    const file = s.args![0]!;
    setReplicaOf(file, { host: "127.0.0.1", port: 7777 });
    expect(readFileSync(file, "utf8").match(/^replicaof .*$/gm)).toEqual(["replicaof 127.0.0.1 7777"]);
    setReplicaOf(file, undefined);
    expect(readFileSync(file, "utf8")).not.toMatch(/^replicaof/m);
    expect(readFileSync(file, "utf8")).toMatch(/^port /m);
  });
});
