// The two halves of bench/dns and the dnsperf runner.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@tug/testkit";
import { figure, seedService, spawnTug, startState, stopChild, waitFor } from "../common/seed.mjs";

/** Records of the benchmark: `svc<i>` in `default`, `replicas` endpoints each on 127.0.0.1 (distinct ports). */
export function records(services, replicas) {
  return Array.from({ length: services }, (_, i) => ({
    name: `svc${i}`,
    ports: Array.from({ length: replicas }, (_, j) => 30_000 + i * 100 + j),
  }));
}

/** The dnsperf query file: A and SRV for the long and short names of every service. */
export function queryFile(recs) {
  return (
    recs
      .flatMap((r) => [
        `${r.name}.default.svc.tug.internal A`,
        `${r.name}.default.svc.tug.internal SRV`,
        `${r.name}.default A`,
        `${r.name}.default SRV`,
      ])
      .join("\n") + "\n"
  );
}

/** Runs dnsperf for `seconds`; parses queries/s, average latency and loss. */
export function dnsperf(port, file, seconds, clients) {
  const out = execFileSync(
    "dnsperf",
    [
      "-s",
      "127.0.0.1",
      "-p",
      String(port),
      "-d",
      file,
      "-l",
      String(seconds),
      "-c",
      String(clients),
      "-q",
      "200",
      "-t",
      "2",
    ],
    { encoding: "utf8", timeout: (seconds + 30) * 1000 },
  );
  const num = (re) => Number(re.exec(out)?.[1] ?? NaN);
  return {
    qps: num(/Queries per second:\s+([\d.]+)/),
    avgLatencyMs: +(num(/Average Latency \(s\):\s+([\d.]+)/) * 1000).toFixed(3),
    maxLatencyMs: +(num(/Average Latency \(s\):.*max ([\d.]+)/) * 1000).toFixed(3),
    sent: num(/Queries sent:\s+(\d+)/),
    lost: num(/Queries lost:\s+(\d+)/),
    noerror: num(/NOERROR (\d+)/),
  };
}

/** Asks once with dig-like dnsperf probe: true when the server answers NOERROR. */
function answers(port, file) {
  const r = dnsperf(port, file, 1, 1);
  return r.noerror > 0;
}

/** dnsmasq config with production-minded settings, serving exactly the records Tugboat serves. */
export function dnsmasqConfig(dir, port, recs) {
  const hosts = join(dir, "hosts");
  // A: the service names (short and long) and every SRV target name resolve to 127.0.0.1
  const lines = recs.flatMap((r) => [
    `127.0.0.1 ${r.name}.default.svc.tug.internal ${r.name}.default`,
    ...r.ports.map((_, j) => `127.0.0.1 ${r.name}-r${j}.${r.name}.default.svc.tug.internal`),
  ]);
  writeFileSync(hosts, lines.join("\n") + "\n");
  const srv = recs.flatMap((r) =>
    r.ports.flatMap((p, j) => [
      `srv-host=${r.name}.default.svc.tug.internal,${r.name}-r${j}.${r.name}.default.svc.tug.internal,${p},0,10`,
      `srv-host=${r.name}.default,${r.name}-r${j}.${r.name}.default.svc.tug.internal,${p},0,10`,
    ]),
  );
  const conf = join(dir, "dnsmasq.conf");
  writeFileSync(
    conf,
    [
      `port=${port}`,
      "listen-address=127.0.0.1",
      "bind-interfaces",
      "no-resolv",
      "no-hosts",
      "no-poll",
      `addn-hosts=${hosts}`,
      "local-ttl=1",
      "cache-size=10000",
      "dns-forward-max=1000",
      "local=/tug.internal/",
      "domain-needed",
      "user=root",
      `pid-file=${join(dir, "pid")}`,
      ...srv,
    ].join("\n") + "\n",
  );
  return conf;
}

/** Runs both halves; prints one figure line per peer. */
export async function runDnsBench(o) {
  const recs = records(o.services, o.replicas);
  const dir = mkdtempSync(join(tmpdir(), "tug-bench-dns-"));
  const file = join(dir, "queries.txt");
  writeFileSync(file, queryFile(recs));
  const state = await startState();
  let registry, dnsmasq;
  try {
    for (const r of recs) await seedService(state.store, r.name, r.ports);
    const dnsPort = await freePort();
    registry = spawnTug(join(o.repoRoot, "services/registry/dist/main.js"), state, {
      TUG_API_PORT: String(await freePort()),
      TUG_DNS_PORT: String(dnsPort),
    });
    await waitFor("tugboat dns", () => {
      if (registry.exitCode !== null) throw new Error(registry.errText());
      return answers(dnsPort, file);
    });
    const tug = dnsperf(dnsPort, file, o.seconds, o.clients);
    figure({ bench: "dns", peer: "tugboat", ...tug, seconds: o.seconds, clients: o.clients, names: recs.length * 4 });
    await stopChild(registry);
    registry = undefined;

    const mPort = await freePort();
    dnsmasq = spawn("dnsmasq", ["--keep-in-foreground", `--conf-file=${dnsmasqConfig(dir, mPort, recs)}`], {
      stdio: "ignore",
    });
    await waitFor("dnsmasq", () => answers(mPort, file));
    const peer = dnsperf(mPort, file, o.seconds, o.clients);
    figure({ bench: "dns", peer: "dnsmasq", ...peer, seconds: o.seconds, clients: o.clients, names: recs.length * 4 });
    return { tug, dnsmasq: peer };
  } finally {
    await stopChild(registry);
    await stopChild(dnsmasq);
    await state.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
