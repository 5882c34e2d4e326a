// bench/proxy: wrk through the Tugboat proxy (the real proxy process, routes from a real redis) and through haproxy
// (mode tcp, roundrobin) over the same 5 backends (examples/web/server.js on loopback), side by side, same wrk
// settings. Two runs each: keep-alive connections, and a new connection per request (where balancing happens).
// Needs `npx tsc --build`, wrk and haproxy (apt-get install -y wrk haproxy).
// Usage: node bench/proxy.mjs [--seconds 10] [--connections 50] [--threads 2]
// Prints one JSON line per peer and mode (requests/s, p99) and one ratio line per mode.
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { figure } from "./common/seed.mjs";
import { runProxyBench } from "./proxy/run.mjs";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    connections: { type: "string", default: "50" },
    threads: { type: "string", default: "2" },
  },
});
const int = (name, min, max) => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`--${name} must be an integer in ${min}..${max}, got ${values[name]}`);
    process.exit(2);
  }
  return n;
};
const o = {
  seconds: int("seconds", 1, 600),
  connections: int("connections", 1, 1000),
  threads: int("threads", 1, 16),
  repoRoot,
};
for (const [mode, r] of Object.entries(await runProxyBench(o))) {
  figure({
    bench: "proxy",
    mode,
    ratio: "tugboat/haproxy",
    throughput: +(r.tug.rps / r.haproxy.rps).toFixed(3),
    p99: +(r.tug.p99Ms / r.haproxy.p99Ms).toFixed(3),
    tugboat_rps: r.tug.rps,
    haproxy_rps: r.haproxy.rps,
    tugboat_p99_ms: r.tug.p99Ms,
    haproxy_p99_ms: r.haproxy.p99Ms,
  });
}
