/**
 * DNS worker processes on the registry's UDP socket: they answer while the registry's own event loop is blocked, see
 * every endpoint change, are counted in tug_dns_queries_total, and are restarted (and reported unhealthy meanwhile)
 * when killed. Runs the built worker (services/registry/dist/dns/worker.js: `npm run build` first).
 */
import { execFile } from "node:child_process";
import dnsPacket from "dns-packet";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "@tug/log";
import { eventually } from "@tug/testkit";
import type { DnsEndpoint } from "./answer.js";
import { type DnsServer, startDnsServer } from "./server.js";
import type { TableEntry, TableFeed } from "./table-feed.js";

/** A TableFeed over one service `default/web` whose endpoints the test sets. */
class TestTable implements TableFeed {
  generation = 1;
  private entry: TableEntry = { version: 1, endpoints: [] };
  private readonly fns = new Set<(id: string, e: TableEntry | undefined) => void>();
  set(endpoints: DnsEndpoint[]): void {
    this.entry = { version: ++this.generation, endpoints };
    for (const fn of this.fns) fn("default/web", this.entry);
  }
  lookup = (ns: string, name: string) => (ns === "default" && name === "web" ? this.entry : undefined);
  entries = (): [string, TableEntry][] => [["default/web", this.entry]];
  onChange(fn: (id: string, e: TableEntry | undefined) => void) {
    this.fns.add(fn);
    return () => this.fns.delete(fn);
  }
}

const ep = (port: number): DnsEndpoint => ({ host: "127.0.0.1", port, replica: `web-${port}` });
const table = new TestTable();
const metrics = new Registry();
let server: DnsServer;

beforeAll(async () => {
  table.set([ep(20001), ep(20002)]);
  server = await startDnsServer({
    host: "127.0.0.1",
    port: 0,
    services: table,
    log: silentLogger(),
    metrics,
    workers: 1,
    workerEntry: new URL("../../dist/dns/worker.js", import.meta.url),
  });
});
afterAll(async () => {
  await server?.close();
});

/**
 * Asks `n` SRV queries for web.default from a separate node process (so it runs while this one is blocked for
 * `blockMs`), each from a new socket; returns the sorted port sets of the answers (one string per answer).
 */
async function askFromOutside(n: number, blockMs = 0): Promise<string[]> {
  const query = Buffer.from(
    dnsPacket.encode({ type: "query", id: 1, questions: [{ type: "SRV", name: "web.default", class: "IN" }] }),
  ).toString("base64");
  const script = `
    const dgram = require("node:dgram");
    const q = Buffer.from(${JSON.stringify(query)}, "base64");
    const got = [];
    let left = ${n};
    for (let i = 0; i < ${n}; i++) {
      const s = dgram.createSocket("udp4");
      const t = setTimeout(() => { s.close(); if (--left === 0) done(); }, 3000);
      s.on("message", (m) => { clearTimeout(t); got.push(m.toString("base64")); s.close(); if (--left === 0) done(); });
      s.send(q, ${server.port}, "127.0.0.1");
    }
    function done() { process.stdout.write(JSON.stringify(got)); }`;
  const child = new Promise<string>((resolve, reject) =>
    execFile(process.execPath, ["-e", script], { timeout: 20_000 }, (err, out) => (err ? reject(err) : resolve(out))),
  );
  if (blockMs) {
    await new Promise((r) => setTimeout(r, 150)); // let the child start sending
    const until = Date.now() + blockMs;
    while (Date.now() < until); // this process answers nothing meanwhile
  }
  const answers = JSON.parse(await child) as string[];
  return answers.map((b) =>
    ((dnsPacket.decode(Buffer.from(b, "base64")).answers ?? []) as Array<{ data: { port: number } }>)
      .map((a) => a.data.port)
      .sort()
      .join(","),
  );
}

const counted = async () =>
  ((await metrics.getSingleMetric("tug_dns_queries_total")!.get()).values as Array<{ value: number }>).reduce(
    (a, v) => a + v.value,
    0,
  );

describe("dns worker processes", () => {
  it("answer while the registry's event loop is blocked, and are counted in its metrics", async () => {
    expect(server.workerPids()).toHaveLength(1);
    await eventually(() => expect(server.healthy()).toBe(true));
    const before = await counted();
    const answers = await askFromOutside(40, 1_500);
    expect(answers).toHaveLength(40);
    expect(new Set(answers)).toEqual(new Set(["20001,20002"]));
    await eventually(async () => expect(await counted()).toBe(before + 40));
  });

  it("see every endpoint change", async () => {
    table.set([ep(20003)]);
    await new Promise((r) => setTimeout(r, 100));
    expect(new Set(await askFromOutside(40, 1_000))).toEqual(new Set(["20003"]));
  });

  it("are restarted when killed, unhealthy until then", async () => {
    const [pid] = server.workerPids();
    process.kill(pid!, "SIGKILL");
    await eventually(() => expect(server.healthy()).toBe(false), { intervalMs: 10 });
    await eventually(() => {
      expect(server.healthy()).toBe(true);
      expect(server.workerPids()).not.toContain(pid);
    });
    table.set([ep(20004)]);
    expect(new Set(await askFromOutside(20, 1_000))).toEqual(new Set(["20004"]));
  });
});
