import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { durationArg } from "../src/commands/load.js";
import { isLoopback, percentile, runLoad } from "../src/loadgen.js";

let server: Server;
let port: number;
beforeAll(async () => {
  server = createServer((req, res) => res.writeHead(req.url === "/fail" ? 503 : 200).end("ok"));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("load generator", () => {
  it("sends rps × duration requests at the rate and counts them ok", async () => {
    const r = await runLoad({ host: "127.0.0.1", port, rps: 50, durationMs: 1_000 });
    expect(r).toMatchObject({ sent: 50, ok: 50, failed: 0 });
    expect(r.elapsedMs).toBeGreaterThanOrEqual(900);
    expect(r.latencyMs.p99).toBeGreaterThan(0);
  });
  it("counts error statuses and refused connections as failed", async () => {
    const bad = await runLoad({ host: "127.0.0.1", port, rps: 20, durationMs: 500, path: "/fail" });
    expect(bad).toMatchObject({ ok: 0, failed: 10, errors: { "HTTP 503": 10 } });
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const dead = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    expect(await runLoad({ host: "127.0.0.1", port: dead, rps: 10, durationMs: 300 })).toMatchObject({
      ok: 0,
      failed: 3,
      errors: { ECONNREFUSED: 3 },
    });
  });
  it("stops early on abort and refuses non-loopback targets and unbounded runs", async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const r = await runLoad({ host: "127.0.0.1", port, rps: 100, durationMs: 60_000, signal: ac.signal });
    expect(r.sent).toBeLessThan(100);
    await expect(runLoad({ host: "10.0.0.1", port, rps: 1, durationMs: 10 })).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      field: "host",
    });
    await expect(runLoad({ host: "127.0.0.1", port, rps: 1e6, durationMs: 10 })).rejects.toMatchObject({
      field: "rps",
    });
    await expect(runLoad({ host: "127.0.0.1", port, rps: 1, durationMs: 7_200_000 })).rejects.toMatchObject({
      field: "duration",
    });
    expect(isLoopback("127.5.0.1") && isLoopback("::1") && !isLoopback("172.17.0.2") && !isLoopback("localhost")).toBe(
      true,
    );
  });
  it("computes nearest-rank percentiles and parses durations", () => {
    const s = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(s, 50), percentile(s, 90), percentile(s, 99), percentile([], 50)]).toEqual([50, 90, 99, 0]);
    expect([durationArg("30s"), durationArg("2m"), durationArg("500ms"), durationArg("10")]).toEqual([
      30_000, 120_000, 500, 10_000,
    ]);
    expect(() => durationArg("2h")).toThrow(/at most 1h/);
    expect(() => durationArg("soon")).toThrow();
  });
});
