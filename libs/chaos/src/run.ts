/**
 * runChaos(): starts its own local cluster (free ports, temp data dir), then runs the seeded workload, the seeded
 * fault injector and the invariant checker side by side for `durationMs`; once faults stop it waits for every
 * deployment to converge, stops everything it started and returns the report.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Bus, readNatsCreds } from "@tug/bus";
import { defaultRepoRoot, type LocalCluster, startLocalCluster } from "@tug/cluster";
import { silentLogger } from "@tug/log";
import { RedisStore } from "@tug/state";
import { ActorWatch } from "./actor.js";
import { FaultWindows } from "./availability.js";
import { waitConverged } from "./converge.js";
import { injectFaults } from "./faults.js";
import { finalHistoryCheck } from "./history-check.js";
import { AckLedger } from "./ledger.js";
import { CHAOS_MAX_SURGE } from "./manifests.js";
import { hostMonitor } from "./host-monitor.js";
import { monitor } from "./monitor.js";
import { type ChaosOptions, resolveChaosOptions } from "./options.js";
import { Prng } from "./prng.js";
import { type ChaosScript, scriptOf, shapeOf } from "./replay.js";
import { type ChaosReport, formatReport, summaryLine } from "./report.js";
import { ViolationBook } from "./violations.js";
import { runWorkload } from "./workload.js";

/** Timings of the chaos cluster: quick heartbeats and graces, and room for 20 chaos replicas per node. */
export function chaosEnv(orphanGraceMs: number): Record<string, string> {
  return {
    TUG_HEARTBEAT_MS: "200",
    TUG_NODE_GRACE_MS: "1000",
    TUG_LOST_GRACE_MS: "1000",
    TUG_NODE_CPU: "2000",
    TUG_NODE_MEMORY: String(4 * 1024 ** 3),
    TUG_ORPHAN_GRACE_MS: String(orphanGraceMs),
  };
}

/** Runs one chaos experiment; `report.violations.length > 0` means an invariant broke. */
export async function runChaos(opts: ChaosOptions & { replay?: ChaosScript }): Promise<ChaosReport & { text: string }> {
  const script = opts.replay;
  // a replay runs the recorded shape: its seed, cluster size, driver, instances, orphan grace and duration
  const o = resolveChaosOptions(script ? { ...opts, ...shapeOf(script), minFaults: 0 } : opts);
  const dataDir = mkdtempSync(join(tmpdir(), "tug-chaos-"));
  let cluster: LocalCluster | undefined;
  let store: RedisStore | undefined;
  let probeStore: RedisStore | undefined; // the ActorWatch's own: a probe's WAIT must not hold up the snapshots' reads
  let bus: Bus | undefined;
  try {
    const where = o.hosts ? ` on a lab of ${o.hosts} hosts (${o.hostsSubnet})` : o.ha ? " with HA infrastructure" : "";
    o.log(
      `starting a ${o.nodes}-node ${o.driver} cluster${where} (${o.replicasPerComponent} per component) in ${dataDir}`,
    );
    cluster = await startLocalCluster({
      nodes: o.nodes,
      hosts: o.hosts,
      hostsSubnet: o.hostsSubnet,
      ha: o.ha,
      driver: o.driver,
      dataDir,
      prefix: "chaos",
      natsPort: 0,
      redisPort: 0,
      apiPort: 0,
      dnsPort: 0,
      portsFrom: 10_000 + 1_000 * Math.floor(Math.random() * Math.max(1, 20 - o.nodes)),
      replicasPerComponent: o.replicasPerComponent,
      workdir: o.repoRoot ?? defaultRepoRoot(),
      repoRoot: o.repoRoot,
      logLevel: "info",
      env: chaosEnv(o.orphanGraceMs),
      readyTimeoutMs: 60_000,
    });
    store = new RedisStore({ ...cluster.redis, prefix: cluster.prefix });
    probeStore = new RedisStore({ ...cluster.redis, prefix: cluster.prefix });
    await store.ready(30_000);
    const creds = readNatsCreds(cluster.natsCreds);
    bus = await Bus.connect({ url: cluster.natsUrl, name: "chaos-runner", log: silentLogger(), creds });

    const root = new Prng(o.seed);
    const [workPrng, faultPrng] = [root.fork(), root.fork()];
    const ledger = new AckLedger();
    const book = new ViolationBook(undefined, undefined, (v) =>
      o.log(`violation ${v.invariant} ${v.subject}: ${v.detail} (at +${Math.round((v.at - started) / 1000)} s)`),
    );
    const faultsCtl = new AbortController();
    const checkCtl = new AbortController();
    const started = Date.now();
    let injected = 0;
    const timer = setInterval(() => {
      const elapsed = Date.now() - started;
      o.progress({ elapsedMs: elapsed, durationMs: o.durationMs, faults: injected, violations: book.count });
      if ((elapsed >= o.durationMs && injected >= o.minFaults) || elapsed >= 3 * o.durationMs) faultsCtl.abort();
    }, 100);
    o.log(
      script
        ? `replaying ${script.faults.length} faults and ${script.workload.length} changes over ${o.durationMs / 1000} s`
        : `injecting faults for ${o.durationMs / 1000} s (seed ${o.seed})`,
    );
    const windows = new FaultWindows();
    const actor = new ActorWatch(bus, probeStore);
    const watchingActor = actor.run(checkCtl.signal);
    const checking = monitor({
      bus,
      store,
      ledger,
      book,
      maxSurge: CHAOS_MAX_SURGE,
      orphanLimitMs: o.orphanGraceMs + 3_000,
      signal: checkCtl.signal,
      faults: windows,
      actor,
    });
    const lab = cluster.lab;
    const hostChecking = lab
      ? hostMonitor({ cluster, lab, ledger, book, maxSurge: CHAOS_MAX_SURGE, signal: checkCtl.signal, actor })
      : undefined;
    const [workload, faults] = await Promise.all([
      runWorkload({
        bus,
        prng: workPrng,
        ledger,
        driver: o.driver,
        maxDeployments: o.maxDeployments,
        signal: faultsCtl.signal,
        script: script?.workload,
        startedAt: started,
        hosts: o.hosts > 0,
        clients: o.clients,
        deletes: o.deletes,
        shared: o.shared,
      }),
      injectFaults({
        cluster,
        prng: faultPrng,
        driver: o.driver,
        replicasPerComponent: o.replicasPerComponent,
        everyMs: o.faultEveryMs,
        signal: faultsCtl.signal,
        script: script?.faults,
        startedAt: started,
        onFault: (f) => {
          windows.add(f);
          if (f.delivered && ++injected % 50 === 0)
            o.log(`${injected} faults injected, ${book.count} violations so far`);
        },
      }),
    ]);
    clearInterval(timer);
    const faultsEndedAt = Date.now();
    o.log(`faults stopped after ${faults.length} draws; waiting up to ${o.convergeTimeoutMs / 1000} s for convergence`);
    // Only acknowledged deployments must exist: an apply whose reply was lost in a fault may never have been written.
    const acked = ledger.ids().filter((id) => ledger.acked(id) !== undefined);
    // a deployment whose last own change got no answer may be there or not (the shared one is always uncertain, but
    // only ever applied, never deleted)
    const unsure = (id: string) => ledger.uncertain(id) && !ledger.contended(id);
    const conv = await waitConverged(
      store,
      acked.filter((id) => !unsure(id) && !ledger.acked(id)!.deleted),
      o.convergeTimeoutMs,
      acked.filter((id) => !unsure(id) && ledger.acked(id)!.deleted),
      acked.filter(unsure),
    );
    if (!conv.ok)
      book.add(
        "converge",
        "cluster",
        `not converged ${o.convergeTimeoutMs / 1000} s after faults stopped: ${conv.reasons.join("; ")}`,
      );
    checkCtl.abort();
    const history = await finalHistoryCheck(store, workload.history, dataDir, book);
    const stats = await checking;
    const hostChecks = (await hostChecking)?.checks;
    await watchingActor;
    const convergeSeconds = conv.ok ? conv.seconds : NaN;
    const report: ChaosReport = {
      seed: o.seed,
      driver: o.driver,
      nodes: o.nodes,
      replicasPerComponent: o.replicasPerComponent,
      durationMs: faultsEndedAt - started,
      ...(o.hosts ? { hosts: o.hosts, hostChecks } : {}),
      faults,
      workload,
      monitor: stats,
      violations: book.list,
      convergeSeconds,
      history,
      summary: summaryLine(faults, book.count, convergeSeconds),
      script: scriptOf(
        {
          seed: o.seed,
          nodes: o.nodes,
          ...(o.hosts ? { hosts: o.hosts } : {}),
          ...(o.ha ? { ha: true } : {}),
          driver: o.driver,
          replicasPerComponent: o.replicasPerComponent,
          orphanGraceMs: o.orphanGraceMs,
          durationMs: Math.max(1_000, faultsEndedAt - started),
        },
        started,
        faults,
        workload.ops,
      ),
    };
    return { ...report, text: formatReport(report) };
  } finally {
    await bus?.close().catch(() => {});
    await store?.close().catch(() => {});
    await probeStore?.close().catch(() => {});
    await cluster?.stop();
    if (o.keepDataDir) o.log(`data dir kept: ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}
