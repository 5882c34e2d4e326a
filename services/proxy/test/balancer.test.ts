import { describe, expect, it } from "vitest";
import { RoundRobin, type Target } from "../src/balancer.js";
import { LeastConnections } from "../src/least-conn.js";
import { publishedPorts, routeTable } from "../src/routes.js";
import { ProxyStats } from "../src/stats.js";
import type { DeploymentRecord, NodeRecord, ReplicaRecord } from "@tug/contracts";

const t = (key: string): Target => ({ key, host: "127.0.0.1", port: 1000 + key.charCodeAt(0) });
const spread = (rr: RoundRobin, n: number) => {
  const c: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const k = rr.next()!.key;
    c[k] = (c[k] ?? 0) + 1;
  }
  return c;
};

describe("round robin", () => {
  it("spreads evenly", () => {
    const rr = new RoundRobin();
    rr.update([t("a"), t("b"), t("c")]);
    expect(spread(rr, 300)).toEqual({ a: 100, b: 100, c: 100 });
  });

  it("skips removed endpoints and keeps spreading after updates", () => {
    const rr = new RoundRobin();
    rr.update([t("a"), t("b"), t("c")]);
    rr.next();
    rr.update([t("a"), t("c")]);
    expect(spread(rr, 100)).toEqual({ a: 50, c: 50 });
    rr.update([]);
    expect(rr.next()).toBeUndefined();
  });

  it("skips excluded (already tried) targets and gives up when all were tried", () => {
    const rr = new RoundRobin();
    rr.update([t("a"), t("b")]);
    expect(rr.next(new Set(["a"]))?.key).toBe("b");
    expect(rr.next(new Set(["a", "b"]))).toBeUndefined();
  });
});

describe("least connections", () => {
  it("sends each new connection to the target with the fewest open ones", () => {
    const lc = new LeastConnections();
    lc.update([t("a"), t("b"), t("c")]);
    for (let i = 0; i < 6; i++) lc.opened(lc.next()!.key);
    expect(["a", "b", "c"].map((k) => lc.connections(k))).toEqual([2, 2, 2]);
    lc.closed("b");
    lc.closed("b");
    expect(lc.next()!.key).toBe("b");
    lc.opened("b");
    expect(lc.next()!.key).toBe("b");
  });

  it("rotates among equals, so idle targets share evenly", () => {
    const lc = new LeastConnections();
    lc.update([t("a"), t("b"), t("c")]);
    const c: Record<string, number> = {};
    for (let i = 0; i < 300; i++) {
      const k = lc.next()!.key;
      c[k] = (c[k] ?? 0) + 1;
    }
    expect(c).toEqual({ a: 100, b: 100, c: 100 });
  });

  it("skips tried targets, forgets departed ones once their connections end", () => {
    const lc = new LeastConnections();
    lc.update([t("a"), t("b")]);
    lc.opened("a");
    expect(lc.next(new Set(["b"]))?.key).toBe("a");
    lc.update([t("b")]);
    expect(lc.connections("a")).toBe(1);
    lc.closed("a");
    expect(lc.connections("a")).toBe(0);
    expect(lc.next(new Set(["b"]))).toBeUndefined();
  });
});

describe("route table", () => {
  const dep = (id: string, ports: number[]) =>
    ({
      id,
      template: { ports: ports.map((p) => ({ containerPort: 80, published: p, protocol: "tcp" })) },
    }) as unknown as DeploymentRecord;
  const node = (id: string, status: string) => ({ id, address: "127.0.0.1", status }) as NodeRecord;
  const rep = (id: string, deployment: string, over: Partial<ReplicaRecord> = {}) =>
    ({
      id,
      deployment,
      desired: "run",
      ready: true,
      hostPort: 2000,
      node: "n1",
      host: "127.0.0.1",
      ...over,
    }) as ReplicaRecord;

  it("maps published ports to ready endpoints; the first deployment keeps a contested port", () => {
    const rr = "round-robin";
    expect(publishedPorts([dep("b/x", [18080]), dep("a/y", [18080, 18081])])).toEqual(
      new Map([
        [18080, { service: "a/y", balance: rr }],
        [18081, { service: "a/y", balance: rr }],
      ]),
    );
    const routes = routeTable(
      [dep("default/web", [18080]), dep("default/db", [])],
      [
        rep("r1", "default/web"),
        rep("r2", "default/web", { ready: false }),
        rep("r3", "default/web", { node: "n2" }),
        rep("r4", "default/web", { desired: "stop" }),
      ],
      [node("n1", "Ready"), node("n2", "NotReady")],
    );
    expect(routes).toEqual([
      {
        port: 18080,
        service: "default/web",
        balance: "round-robin",
        targets: [{ key: "r1", host: "127.0.0.1", port: 2000 }],
      },
    ]);
    const lc = {
      id: "default/lc",
      template: { ports: [{ containerPort: 80, published: 18090, protocol: "tcp", balance: "least-conn" }] },
    } as unknown as DeploymentRecord;
    expect(routeTable([lc], [], [])).toEqual([
      { port: 18090, service: "default/lc", balance: "least-conn", targets: [] },
    ]);
  });
});

describe("proxy stats", () => {
  it("reports new connections per second and open connections", () => {
    const s = new ProxyStats();
    s.snapshot(0);
    s.opened("a");
    s.opened("a");
    s.closed("a", 10, 20);
    expect(s.snapshot(2000)).toEqual([{ id: "a", rps: 1, connections: 1 }]);
    expect(s.snapshot(4000)).toEqual([{ id: "a", rps: 0, connections: 1 }]);
  });
});
