// bench/proxy: wrk through the Tugboat proxy (the real proxy process, routes from a real redis) and through haproxy
// (mode tcp, roundrobin) over the same 5 backends (examples/web/server.js on loopback), side by side, same wrk
// settings. Two runs each: keep-alive connections, and a new connection per request (where balancing happens).
// Needs `npx tsc --build`, wrk and haproxy (apt-get install -y wrk haproxy).
// Usage: node bench/proxy.mjs [--seconds 10] [--connections 50] [--threads 2]
// Prints one JSON line per peer and mode (requests/s, p99) and one ratio line per mode.
import { fileURLToPath } from "node:url";
import { intOptions } from "./common/args.mjs";
import { figure } from "./common/seed.mjs";
import { runProxyBench } from "./proxy/run.mjs";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const o = { ...intOptions({ seconds: [10, 1, 600], connections: [50, 1, 1000], threads: [2, 1, 16] }), repoRoot };
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
