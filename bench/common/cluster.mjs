// The Tugboat side of every bench: a local cluster on free loopback ports and a temp data dir, with a store and a
// bus connection, an intake helper, and one teardown (also on Ctrl-C) that stops the cluster and removes whatever
// containers its workers left (a stop can time out with 50 of them) and the data dir.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Bus, readNatsCreds } from "../../libs/bus/dist/index.js";
import { startLocalCluster } from "../../libs/cluster/dist/index.js";
import { subjects } from "../../libs/contracts/dist/index.js";
import { silentLogger } from "../../libs/log/dist/index.js";
import { RedisStore } from "../../libs/state/dist/index.js";

/**
 * Starts a bench cluster: `name` names the data dir and the key prefix / `tug.cluster` label (`bench<name><pid>`);
 * `hosts` (root only) makes it a hosts lab of that many network-namespace hosts; `ha` an `--ha` cluster (3 NATS, Redis
 * with Sentinels), whose store then connects through the Sentinels.
 * Returns { cluster, store, bus, dataDir, prefix, intake(verb, body), close() }; call close() in a finally.
 */
export async function startBenchCluster({ name, nodes, driver, portsFrom, repoRoot, hosts, hostsSubnet, env, ha }) {
  const dataDir = mkdtempSync(join(tmpdir(), `tug-bench-${name}-`));
  const prefix = `bench${name}${process.pid}`;
  const cluster = await startLocalCluster({
    nodes,
    hosts,
    hostsSubnet,
    ha,
    env,
    driver,
    dataDir,
    prefix,
    natsPort: 0,
    redisPort: 0,
    apiPort: 0,
    dnsPort: 0,
    portsFrom,
    workdir: repoRoot,
    logLevel: process.env.TUG_BENCH_LOG_LEVEL ?? "warn",
    readyTimeoutMs: 180_000,
  });
  const store = new RedisStore({ ...cluster.redis, prefix });
  await store.ready();
  const creds = readNatsCreds(cluster.natsCreds);
  const bus = await Bus.connect({ url: cluster.natsUrl, name: `bench-${name}`, log: silentLogger(), creds });
  const sweep = () => {
    if (driver === "docker") {
      const ids = execFileSync("docker", ["ps", "-aq", "--filter", `label=tug.cluster=${prefix}`], { encoding: "utf8" })
        .split("\n")
        .filter(Boolean);
      if (ids.length) execFileSync("docker", ["rm", "-f", ...ids], { stdio: "ignore" });
    }
    if (!process.env.TUG_BENCH_KEEP_DATA) rmSync(dataDir, { recursive: true, force: true });
  };
  const onSignal = () =>
    void cluster.stop().finally(() => {
      sweep();
      process.exit(130);
    });
  process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
  return {
    cluster,
    store,
    bus,
    dataDir,
    prefix,
    /** Publishes a desired-state request; throws unless it is acknowledged; returns the reply. */
    async intake(verb, body) {
      const r = await bus.request(subjects.desired(verb), `desired.${verb}`, body, 30_000);
      if (!r?.ok) throw new Error(`${verb}: ${JSON.stringify(r)}`);
      return r;
    },
    async close() {
      process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
      await bus.close().catch(() => {});
      await store.close().catch(() => {});
      await cluster.stop();
      sweep();
    },
  };
}
