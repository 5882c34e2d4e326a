/**
 * Scale correctness on hollow nodes (issue 18): 200 fake nodes in one `tug hollow` process and 4,150 replicas over
 * four deployments. Everything that fits runs; no node is over-committed; each deployment spreads within 1 of even;
 * replicas too big for the room left wait as Unschedulable and say why; the registry, DNS and the proxy agree on the
 * published deployment's endpoint count. The heartbeat budget is set below the 200 beats a second the nodes would
 * send: every node is asked to beat every 2 s, says so, and none is judged silent for it. Correctness only: the
 * speed is bench/scale's business.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createConnection } from "node:net";
import dnsPacket from "dns-packet";
import { addNode, hollowEntry, hollowEnv } from "@tug/cluster";
import type { ReplicaRecord } from "@tug/contracts";
import { eventually, freePort, startSystem, type TestSystem } from "@tug/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectCount, intake } from "./helpers.js";

const NODES = 200;
const NODE_CPU = 4_000;
/** name → replicas and cpu (millicores); `big` is applied last: one fits per node, 50 wait. */
const SETS = { a: [2_400, 100], b: [1_400, 200], web: [100, 100], big: [250, 1_000] } as const;
const slow = { timeoutMs: 120_000, intervalMs: 1_000 };

/** One DNS query over TCP (the SRV answer of 100 endpoints is larger than a plain UDP answer). */
function dnsTcp(port: number, name: string, type: "SRV"): Promise<dnsPacket.Packet> {
  return new Promise((resolve, reject) => {
    const s = createConnection({ host: "127.0.0.1", port });
    let buf = Buffer.alloc(0);
    s.setTimeout(5_000, () => s.destroy(new Error("dns timeout")));
    s.on("error", reject);
    s.on("data", (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        s.end();
        resolve(dnsPacket.streamDecode(buf));
      }
    });
    s.write(dnsPacket.streamEncode({ type: "query", id: 7, questions: [{ type, name, class: "IN" }] }));
  });
}

/** Counts per node of one deployment's bound replicas, over every node (0 where none is). */
function perNode(replicas: readonly ReplicaRecord[], nodes: readonly string[]): number[] {
  const m = new Map(nodes.map((n) => [n, 0]));
  for (const r of replicas) if (r.node) m.set(r.node, (m.get(r.node) ?? 0) + 1);
  return [...m.values()];
}

describe("scale: 200 hollow nodes, 4,150 replicas", () => {
  let sys: TestSystem;
  let hollow: ChildProcess;
  let published: number;

  beforeAll(async () => {
    published = await freePort();
    sys = await startSystem({
      nodes: 0,
      // 200 nodes over a budget of 100 beats a second: each is asked to beat every 2 s (grace: 4 beats, 8 s < 10 s)
      env: { TUG_NODE_GRACE_MS: "10000", TUG_MAX_HEARTBEATS_PER_SECOND: "100" },
      logLevel: "warn",
      readyTimeoutMs: 120_000,
    });
    const env = hollowEnv({
      join: sys.cluster.natsUrl,
      creds: addNode(sys.dataDir, "h", { hollow: NODES }).creds, // one NATS identity for nodes h-1 … h-N
      nodes: NODES,
      prefix: "h",
      cpuMillis: NODE_CPU,
      logLevel: "warn",
    });
    hollow = spawn(process.execPath, [hollowEntry()], { env: { ...process.env, ...env }, stdio: "ignore" });
    await eventually(
      async () =>
        expectCount("Ready nodes", (await sys.store.nodes()).filter((n) => n.status === "Ready").length, NODES),
      { ...slow, what: "200 Ready nodes" },
    );
  }, 240_000);

  afterAll(async () => {
    hollow?.kill("SIGTERM");
    await sys?.stop();
  }, 90_000);

  it("runs what fits, never over-commits a node, spreads each within 1, and says why the rest waits", async () => {
    for (const [name, [replicas, cpu]] of Object.entries(SETS)) {
      if (name === "big") {
        await eventually(
          async () =>
            expectCount("Running", (await sys.store.replicas()).filter((r) => r.phase === "Running").length, 3_900),
          { ...slow, what: "the first three sets Running" },
        );
      }
      const ports = name === "web" ? { ports: [{ name: "http", containerPort: 8080, published }] } : {};
      await intake(sys.bus, "apply", {
        name,
        replicas,
        command: ["x"],
        resources: { cpu: cpu / 1000, memory: "16Mi" },
        ...ports,
      });
    }
    const all = await eventually(
      async () => {
        const rs = await sys.store.replicas();
        expectCount("replicas", rs.length, 4_150);
        expectCount("Running", rs.filter((r) => r.phase === "Running").length, 4_100);
        expectCount(
          "Unschedulable",
          rs.filter((r) => r.phase === "Pending" && r.reason === "Unschedulable").length,
          50,
        );
        return rs;
      },
      { ...slow, what: "4,100 Running and 50 Unschedulable" },
    );
    const nodes = (await sys.store.nodes()).map((n) => n.id);
    for (const n of nodes) {
      const used = all.filter((r) => r.node === n).reduce((sum, r) => sum + r.resources.cpuMillis, 0);
      expect(used, `cpu requested on ${n}`).toBeLessThanOrEqual(NODE_CPU);
    }
    for (const name of Object.keys(SETS)) {
      const counts = perNode(
        all.filter((r) => r.deployment === `default/${name}`),
        nodes,
      );
      expect(Math.max(...counts) - Math.min(...counts), `spread of ${name}`).toBeLessThanOrEqual(1);
    }
    const waiting = all.find((r) => r.deployment === "default/big" && !r.node)!;
    expect(waiting.message).toMatch(/no node fits: 200× insufficient cpu/);
  }, 300_000);

  it("every node beats every 2 s as the heartbeat budget asks, and none went NotReady for it", async () => {
    await eventually(
      async () => {
        const stretched = (await sys.store.nodes()).filter((n) => n.stretchedBeatMs === 2_000);
        expectCount("nodes beating every 2 s", stretched.length, NODES);
      },
      { ...slow, what: "200 nodes stretched to 2 s" },
    );
    const nodes = await sys.store.nodes();
    expectCount("Ready nodes", nodes.filter((n) => n.status === "Ready").length, NODES);
    // a node's generation moves when it goes NotReady (and again when Ready): every one is still at its first
    expect(
      nodes.filter((n) => n.gen !== 1).map((n) => n.id),
      "nodes that went NotReady",
    ).toEqual([]);
  }, 150_000);

  it("the registry, DNS and the proxy each see the 100 endpoints of the published deployment", async () => {
    const api = async () =>
      ((await (await fetch(`${sys.cluster.apiUrl}/v1/services/default/web`)).json()) as { endpoints: unknown[] })
        .endpoints.length;
    await eventually(async () => expectCount("registry endpoints", await api(), 100), {
      ...slow,
      what: "registry: 100 endpoints",
    });
    await eventually(
      async () =>
        expectCount(
          "SRV answers",
          (await dnsTcp(sys.cluster.dnsPort, "web.default.svc.tug.internal", "SRV")).answers!.length,
          100,
        ),
      { ...slow, what: "DNS: 100 SRV" },
    );
    const proxy = sys.cluster.components.find((c) => c.role === "proxy")!;
    await eventually(
      async () => {
        const text = await (await fetch(`http://127.0.0.1:${proxy.healthPort}/metrics`)).text();
        const line = text
          .split("\n")
          .find((l) => l.startsWith(`tug_proxy_endpoints{service="default/web",port="${published}"`));
        expectCount("proxy endpoints", Number(line?.split(" ").pop()), 100);
      },
      { ...slow, what: "proxy: 100 endpoints" },
    );
  }, 200_000);
});
