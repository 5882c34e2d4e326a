// bench/dns: dnsperf against Tugboat's DNS (the real registry process over a real redis with seeded endpoints) and
// against dnsmasq serving the same records, side by side: same query file, same duration, same dnsperf settings.
// Needs `npx tsc --build`, dnsperf and dnsmasq (apt-get install -y dnsperf dnsmasq).
// Usage: node bench/dns.mjs [--seconds 10] [--services 20] [--replicas 5] [--clients 10]
// Prints one JSON line per peer (qps, latency) and one with the ratio.
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { figure } from "./common/seed.mjs";
import { runDnsBench } from "./dns/run.mjs";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    services: { type: "string", default: "20" },
    replicas: { type: "string", default: "5" },
    clients: { type: "string", default: "10" },
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
  services: int("services", 1, 1000),
  replicas: int("replicas", 1, 50),
  clients: int("clients", 1, 100),
  repoRoot,
};
const { tug, dnsmasq } = await runDnsBench(o);
figure({
  bench: "dns",
  ratio: "tugboat/dnsmasq qps",
  value: +(tug.qps / dnsmasq.qps).toFixed(3),
  tugboat_qps: tug.qps,
  dnsmasq_qps: dnsmasq.qps,
  latency_ratio: +(tug.avgLatencyMs / dnsmasq.avgLatencyMs).toFixed(3),
});
