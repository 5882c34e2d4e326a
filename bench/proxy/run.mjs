// The halves of bench/proxy: backends, the Tugboat proxy, haproxy, and the wrk runner.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@tug/testkit";
import { figure, seedService, spawnTug, startState, stopChild, waitFor } from "../common/seed.mjs";

const BACKENDS = 5;

/** True when something accepts TCP connections on 127.0.0.1:port. */
function listening(port) {
  return new Promise((r) => {
    const s = connect(port, "127.0.0.1");
    s.once("connect", () => {
      s.destroy();
      r(true);
    });
    s.once("error", () => r(false));
  });
}

/** One HTTP GET answered 200 through `port`. */
async function serves(port) {
  const res = await fetch(`http://127.0.0.1:${port}/`);
  await res.text();
  return res.status === 200;
}

/** wrk → requests/s and p99 in ms (`close`: a new connection per request). */
export function wrk(port, o, close) {
  const args = [
    "-t",
    String(o.threads),
    "-c",
    String(o.connections),
    "-d",
    `${o.seconds}s`,
    "--latency",
    ...(close ? ["-H", "Connection: close"] : []),
    `http://127.0.0.1:${port}/`,
  ];
  const out = execFileSync("wrk", args, { encoding: "utf8", timeout: (o.seconds + 30) * 1000 });
  const ms = (v, unit) => Number(v) * ({ us: 0.001, ms: 1, s: 1000 }[unit] ?? 1);
  const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(out);
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN),
    p99Ms: p99 ? +ms(p99[1], p99[2]).toFixed(3) : NaN,
    errors: errors ? errors.slice(1).reduce((a, b) => a + Number(b), 0) + non2xx : non2xx,
  };
}

/** haproxy config: mode tcp, roundrobin, production-minded limits and timeouts, health checks on. */
export function haproxyConfig(dir, port, ports) {
  const file = join(dir, "haproxy.cfg");
  writeFileSync(
    file,
    [
      "global",
      "  maxconn 8000",
      "  nbthread 2",
      "",
      "defaults",
      "  mode tcp",
      "  timeout connect 2s",
      "  timeout client 30s",
      "  timeout server 30s",
      "  retries 2",
      "  option redispatch",
      "",
      "frontend web",
      `  bind 127.0.0.1:${port}`,
      "  default_backend web",
      "",
      "backend web",
      "  balance roundrobin",
      ...ports.map((p, i) => `  server s${i} 127.0.0.1:${p} check inter 2s`),
      "",
    ].join("\n"),
  );
  return file;
}

/** Runs everything; returns { keepalive: {tug, haproxy}, close: {tug, haproxy} } after printing each figure. */
export async function runProxyBench(o) {
  const dir = mkdtempSync(join(tmpdir(), "tug-bench-proxy-"));
  const children = [];
  const state = await startState();
  try {
    const ports = [];
    for (let i = 0; i < BACKENDS; i++) {
      const port = await freePort();
      children.push(
        spawn(process.execPath, [join(o.repoRoot, "examples/web/server.js")], {
          env: { ...process.env, PORT: String(port), TUG_REPLICA_ID: `web-r${i}` },
          stdio: "ignore",
        }),
      );
      ports.push(port);
    }
    for (const p of ports) await waitFor(`backend :${p}`, () => listening(p));
    const published = await freePort();
    await seedService(state.store, "web", ports, published);
    const proxy = spawnTug(join(o.repoRoot, "services/proxy/dist/main.js"), state, {});
    children.push(proxy);
    await waitFor("tugboat proxy", () => serves(published));
    const hPort = await freePort();
    const haproxy = spawn("haproxy", ["-db", "-f", haproxyConfig(dir, hPort, ports)], { stdio: "ignore" });
    children.push(haproxy);
    await waitFor("haproxy", () => serves(hPort));
    const out = {};
    for (const [mode, close] of [
      ["keepalive", false],
      ["close", true],
    ]) {
      const tug = wrk(published, o, close);
      figure({ bench: "proxy", peer: "tugboat", mode, ...tug, seconds: o.seconds, connections: o.connections });
      const peer = wrk(hPort, o, close);
      figure({ bench: "proxy", peer: "haproxy", mode, ...peer, seconds: o.seconds, connections: o.connections });
      out[mode] = { tug, haproxy: peer };
    }
    return out;
  } finally {
    for (const c of children.reverse()) await stopChild(c);
    await state.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
