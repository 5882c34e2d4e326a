/**
 * Service discovery and load balancing end to end (process driver, examples/web/server.js): endpoints follow scale
 * up/down, DNS A/SRV answers match the HTTP registry, a watch returns on change, the proxy spreads 1,000
 * requests over 5 replicas evenly, and load through the proxy while scaling 10 → 2 → 10 and SIGKILLing a replica
 * fails no request except those in flight to the killed copy.
 */
import { createSocket } from "node:dgram";
import { request } from "node:http";
import { fileURLToPath } from "node:url";
import dnsPacket from "dns-packet";
import { eventually, freePort, startSystem, type TestSystem } from "@tug/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectCount, intake, isAlive, readyReplicas, replicaPids, webManifest } from "./helpers.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const WEB = "default/web";
const slow = { timeoutMs: 90_000, intervalMs: 250 };
type Eps = { index: number; endpoints: Array<{ host: string; port: number; replica: string }> };

/** One GET through a fresh TCP connection; resolves with the replica that answered, or an error text. */
function get(port: number, timeoutMs = 5_000): Promise<{ ok: true; replica: string } | { ok: false; error: string }> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: "/", agent: false, timeout: timeoutMs }, (res) => {
      let body = "";
      res
        .on("data", (c) => (body += c))
        .on("end", () => {
          if (res.statusCode !== 200) return resolve({ ok: false, error: `status ${res.statusCode}` });
          try {
            resolve({ ok: true, replica: (JSON.parse(body) as { replica: string }).replica });
          } catch {
            resolve({ ok: false, error: `bad body ${body.slice(0, 40)}` });
          }
        })
        .on("error", (e) => resolve({ ok: false, error: String(e) }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e) => resolve({ ok: false, error: String((e as Error).message) }));
    req.end();
  });
}

/** Asks the registry DNS over UDP. */
function dns(port: number, name: string, type: "A" | "SRV"): Promise<dnsPacket.Packet> {
  return new Promise((resolve, reject) => {
    const s = createSocket("udp4");
    const t = setTimeout(() => {
      s.close();
      reject(new Error("dns timeout"));
    }, 2_000);
    s.on("message", (m) => {
      clearTimeout(t);
      s.close();
      resolve(dnsPacket.decode(m));
    });
    s.send(
      dnsPacket.encode({
        type: "query",
        id: 1,
        flags: dnsPacket.RECURSION_DESIRED,
        questions: [{ type, name, class: "IN" }],
        additionals: [{ type: "OPT", name: ".", udpPayloadSize: 4096 } as unknown as dnsPacket.Answer],
      }),
      port,
      "127.0.0.1",
    );
  });
}

describe("discovery and load balancing, process driver", () => {
  let sys: TestSystem;
  let published: number;
  const web = (replicas: number) =>
    webManifest(replicas, {
      ports: [{ name: "http", containerPort: 8080, published }],
      resources: { cpu: 0.01, memory: "16Mi" },
    });

  const services = async () => (await (await fetch(`${sys.cluster.apiUrl}/v1/services/default/web`)).json()) as Eps;
  const endpointsAre = async (n: number) =>
    eventually(
      async () => {
        const s = await services();
        expectCount("endpoints", s.endpoints.length, n);
        expectCount("ready replicas", (await readyReplicas(sys.store, WEB)).length, n);
        return s;
      },
      { ...slow, what: `${n} endpoints` },
    );

  beforeAll(async () => {
    published = await freePort();
    sys = await startSystem({
      nodes: 3,
      driver: "process",
      workdir: repoRoot,
      env: { TUG_DRAIN_DELAY_MS: "3000", TUG_PROXY_DRAIN_MS: "5000" },
      readyTimeoutMs: 150_000,
    });
  }, 200_000);
  afterAll(async () => {
    await sys?.stop();
  }, 90_000);

  it("endpoints follow scale up and down; DNS A/SRV answers match the HTTP registry", async () => {
    await intake(sys.bus, "apply", web(5));
    const five = await endpointsAre(5);
    const srv = await eventually(
      async () => {
        const r = await dns(sys.cluster.dnsPort, "web.default.svc.tug.internal", "SRV");
        expectCount("SRV answers", r.answers!.length, 5);
        return r;
      },
      { what: "SRV = 5" },
    );
    const ports = (srv.answers as Array<{ data: { port: number } }>).map((a) => a.data.port).sort();
    expect(ports).toEqual(five.endpoints.map((e) => e.port).sort());
    const a = await dns(sys.cluster.dnsPort, "web.default", "A");
    expect(new Set((a.answers as Array<{ data: string }>).map((x) => x.data))).toEqual(
      new Set(five.endpoints.map((e) => e.host)),
    );
    expect((await dns(sys.cluster.dnsPort, "ghost.default.svc.tug.internal", "A")).rcode).toBe("NXDOMAIN");
    // a short name is ours only when it exists
    expect((await dns(sys.cluster.dnsPort, "ghost.default", "A")).rcode).toBe("REFUSED");
    await intake(sys.bus, "scale", { namespace: "default", name: "web", replicas: 7 });
    await endpointsAre(7);
    await intake(sys.bus, "scale", { namespace: "default", name: "web", replicas: 5 });
    const back = await endpointsAre(5);
    await eventually(
      async () => {
        const r = await dns(sys.cluster.dnsPort, "web.default", "SRV");
        expect((r.answers as Array<{ data: { port: number } }>).map((x) => x.data.port).sort()).toEqual(
          back.endpoints.map((e) => e.port).sort(),
        );
      },
      { what: "DNS follows the scale-down" },
    );
  }, 240_000);

  it("a blocking watch returns when the endpoints change", async () => {
    const before = await services();
    const watch = fetch(`${sys.cluster.apiUrl}/v1/services/default/web?watch=1&index=${before.index}&timeout=60`).then(
      (r) => r.json() as Promise<Eps>,
    );
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    await intake(sys.bus, "scale", { namespace: "default", name: "web", replicas: 6 });
    const after = await watch;
    expect(after.index).toBeGreaterThan(before.index);
    expect(Date.now() - started).toBeLessThan(30_000);
    await endpointsAre(6);
    await intake(sys.bus, "scale", { namespace: "default", name: "web", replicas: 5 });
    await endpointsAre(5);
  }, 120_000);

  it("the proxy spreads 1,000 requests over 5 replicas within ±20 % of even", async () => {
    await eventually(
      async () => {
        const r = await get(published);
        if (!r.ok) throw new Error(r.error);
      },
      { ...slow, what: "proxy answers" },
    );
    const counts: Record<string, number> = {};
    let failed = 0;
    let sent = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (sent < 1000) {
          sent++;
          const r = await get(published, 20_000);
          if (r.ok) counts[r.replica] = (counts[r.replica] ?? 0) + 1;
          else failed++;
        }
      }),
    );
    console.log(JSON.stringify({ spread: counts, failed }));
    expect(failed).toBe(0);
    expect(Object.keys(counts)).toHaveLength(5);
    for (const n of Object.values(counts)) {
      expect(n).toBeGreaterThanOrEqual(160);
      expect(n).toBeLessThanOrEqual(240);
    }
  }, 600_000);

  it("load through the proxy while scaling 10 → 2 → 10 and SIGKILLing a replica fails only requests in flight to the killed copy", async () => {
    await intake(sys.bus, "scale", { namespace: "default", name: "web", replicas: 10 });
    await endpointsAre(10);
    const stop = { now: false };
    const tally = { ok: 0, failed: 0, errors: [] as string[], failedAt: [] as number[] };
    const workers = Array.from({ length: 4 }, async () => {
      for (let i = 0; i < 200_000 && !stop.now; i++) {
        const r = await get(published, 20_000);
        if (r.ok) tally.ok++;
        else {
          tally.failed++;
          tally.failedAt.push(Date.now());
          if (tally.errors.length < 20) tally.errors.push(r.error);
        }
      }
    });
    const phase = async (replicas: number) => {
      await intake(sys.bus, "scale", { namespace: "default", name: "web", replicas });
      await endpointsAre(replicas);
      await new Promise((r) => setTimeout(r, 2_000));
    };
    await new Promise((r) => setTimeout(r, 1_000));
    await phase(2);
    await phase(10);
    const [victim] = await readyReplicas(sys.store, WEB);
    const pid = replicaPids(sys.cluster).get(victim!.id)!;
    const killedAt = Date.now();
    const failedBeforeKill = tally.failed;
    process.kill(pid, "SIGKILL");
    await eventually(
      () => {
        if (isAlive(pid)) throw new Error("alive");
      },
      { what: "victim dead" },
    );
    await endpointsAre(10);
    await new Promise((r) => setTimeout(r, 2_000));
    stop.now = true;
    await Promise.all(workers);
    const afterKill = tally.failedAt.filter((t) => t >= killedAt).length;
    console.log(
      JSON.stringify({
        load: {
          ok: tally.ok,
          failed: tally.failed,
          failedDuringScaling: failedBeforeKill,
          failedAfterKill: afterKill,
          errors: tally.errors,
        },
      }),
    );
    expect(tally.ok).toBeGreaterThan(50);
    expect(failedBeforeKill).toBe(0);
    // only requests in flight to the killed copy may fail: at most one per load worker
    expect(tally.failed - failedBeforeKill).toBeLessThanOrEqual(4);
  }, 600_000);
});
