import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Probe } from "@tug/contracts";
import { probeOnce, ProbeRunner, resolveProbePort, type ProbeState } from "./probes.js";

const base = {
  initialDelaySeconds: 0,
  periodSeconds: 0.05,
  timeoutSeconds: 0.5,
  failureThreshold: 2,
  successThreshold: 2,
};
const probe = (p: Partial<Probe>): Probe => ({ ...base, ...p }) as Probe;

describe("probes", () => {
  let server: Server;
  let port: number;
  let healthy = true;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === "/slow") return void setTimeout(() => res.end("late"), 2_000);
      if (req.url === "/moved") return void res.writeHead(302, { location: "/" }).end();
      res.writeHead(healthy ? 200 : 503).end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const target = () => ({ hostPort: port, ports: [{ name: "http", containerPort: 8080, protocol: "tcp" as const }] });

  it("resolves numeric and named ports to the host port", () => {
    expect(resolveProbePort(8080, target())).toBe(port);
    expect(resolveProbePort("http", target())).toBe(port);
    expect(resolveProbePort("admin", target())).toBeUndefined();
  });

  it("http: 2xx and 3xx pass, 5xx fails, timeouts fail", async () => {
    healthy = true;
    expect((await probeOnce(probe({ http: { path: "/", port: "http" } }), target())).ok).toBe(true);
    expect((await probeOnce(probe({ http: { path: "/moved", port: 8080 } }), target())).ok).toBe(true);
    healthy = false;
    const bad = await probeOnce(probe({ http: { path: "/", port: "http" } }), target());
    expect(bad).toMatchObject({ ok: false, message: expect.stringMatching(/503/) });
    const slow = await probeOnce(probe({ http: { path: "/slow", port: "http" }, timeoutSeconds: 0.1 }), target());
    expect(slow.ok).toBe(false);
    healthy = true;
  });

  it("an unknown port name fails", async () => {
    expect((await probeOnce(probe({ tcp: { port: "nope" } }), target())).ok).toBe(false);
  });

  it("tcp: connect passes, a closed port fails", async () => {
    expect((await probeOnce(probe({ tcp: { port: "http" } }), target())).ok).toBe(true);
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const closedPort = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    expect((await probeOnce(probe({ tcp: { port: 1 } }), { hostPort: closedPort, ports: [] })).ok).toBe(false);
  });

  it("exec: exit 0 passes", async () => {
    expect((await probeOnce(probe({ exec: { command: ["true"] } }), target())).ok).toBe(true);
    expect((await probeOnce(probe({ exec: { command: ["false"] } }), target())).ok).toBe(false);
  });

  it("runner: thresholds turn checks into state changes against a real server", async () => {
    healthy = true;
    const states: ProbeState[] = [];
    const r = new ProbeRunner(probe({ http: { path: "/", port: "http" } }), target(), {
      onChange: (s) => states.push(s),
    });
    r.start();
    await waitFor(() => r.state === "success");
    healthy = false;
    await waitFor(() => r.state === "failure");
    healthy = true;
    await waitFor(() => r.state === "success");
    r.stop();
    expect(states).toEqual(["success", "failure", "success"]);
  });

  it("runner: waits the initial delay and stays quiet after stop", async () => {
    let calls = 0;
    const r = new ProbeRunner(probe({ tcp: { port: 1 }, initialDelaySeconds: 0.3 }), target(), {
      onChange: () => {},
      check: async () => {
        calls++;
        return { ok: true };
      },
    });
    r.start();
    await new Promise((res) => setTimeout(res, 150));
    expect(calls).toBe(0);
    await waitFor(() => r.state === "success");
    r.stop();
    const after = calls;
    await new Promise((res) => setTimeout(res, 150));
    expect(calls).toBe(after);
  });

  it("runner: checks at a doubling startup interval until the first pass, then every period", async () => {
    const at: number[] = [];
    let passFrom = Infinity;
    const t0 = Date.now();
    const r = new ProbeRunner(probe({ tcp: { port: 1 }, periodSeconds: 1, successThreshold: 1 }), target(), {
      onChange: () => {},
      startupIntervalMs: 50,
      check: async () => {
        at.push(Date.now() - t0);
        return { ok: Date.now() >= passFrom };
      },
    });
    r.start();
    await waitFor(() => at.length >= 4, 5_000);
    passFrom = Date.now();
    await waitFor(() => r.state === "success");
    const passedAt = at.length;
    await new Promise((res) => setTimeout(res, 600));
    r.stop();
    // four failing checks after ~0, 50, 150, 350 ms, not 0, 1, 2, 3 s; after the pass none inside the 1 s period
    expect(at[3]!).toBeLessThan(2_000);
    expect(at[3]! - at[2]!).toBeGreaterThan(at[1]! - at[0]!);
    expect(at.length).toBe(passedAt);
  });

  it("runner: one failure below the threshold does not flip a passing probe", async () => {
    const results = [true, true, false, true, true, true];
    const states: ProbeState[] = [];
    const r = new ProbeRunner(probe({ tcp: { port: 1 } }), target(), {
      onChange: (s) => states.push(s),
      check: async () => ({ ok: results.shift() ?? true }),
    });
    r.start();
    await waitFor(() => results.length === 0);
    r.stop();
    expect(states).toEqual(["success"]);
  });
});

async function waitFor(cond: () => boolean, ms = 3_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}
