// bench/dns: dnsperf against Tugboat's DNS (the real registry process over a real redis with seeded endpoints) and
// against dnsmasq serving the same records, side by side: same query file, same duration, same dnsperf settings.
// Needs `npx tsc --build`, dnsperf and dnsmasq (apt-get install -y dnsperf dnsmasq).
// Usage: node bench/dns.mjs [--seconds 10] [--services 20] [--replicas 5] [--clients 10]
// Prints one JSON line per peer (qps, latency) and one with the ratio.
import { fileURLToPath } from "node:url";
import { intOptions } from "./common/args.mjs";
import { figure } from "./common/seed.mjs";
import { runDnsBench } from "./dns/run.mjs";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const o = {
  ...intOptions({ seconds: [10, 1, 600], services: [20, 1, 1000], replicas: [5, 1, 50], clients: [10, 1, 100] }),
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
