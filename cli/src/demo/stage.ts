/**
 * The cluster a demo runs on: the one that answers at `--api` (reused as it is), or a local cluster the demo starts
 * the way `tug up` does (and stops at the end). Kills go through the local cluster's cluster.json, as `tug chaos`'s do.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ClusterFile, LocalCluster } from "@tug/cluster";
import { type NodeRecord, TugError } from "@tug/contracts";
import { readNatsCreds } from "@tug/bus";
import { ApiClient, IntakeClient } from "../clients.js";
import { natsCredsOf } from "../context.js";
import type { List } from "../api-types.js";
import { startupLine } from "../commands/up.js";
import { type DataDir, describeDataDir } from "../data-dir.js";
import type { Narrator } from "./narrator.js";
import { waitFor } from "./wait.js";

/** Where the demos look for a cluster and how they start one. */
export interface StageOptions {
  natsUrl: string;
  apiUrl: string;
  dataDir: DataDir;
  dns: { host: string; port: number };
  driver: "process" | "docker";
  nodes: number;
  /** First host port of the workers' replica ranges (a started cluster only). */
  portsFrom?: number;
}

/** The cluster the demos run on. */
export interface Stage {
  api: ApiClient;
  intake: IntakeClient;
  apiUrl: string;
  dns: { host: string; port: number };
  /** True when the demo started the cluster (and stops it at the end). */
  started: boolean;
  /** The cluster's cluster.json, which `tug chaos`-style kills need. */
  chaosTarget(): Promise<ClusterFile>;
  /** Stops the cluster when the demo started it; nothing otherwise. Idempotent. */
  stop(): Promise<void>;
}

/** Reuses the cluster that answers at `o.apiUrl`, or starts one; waits until `o.nodes` (or all) nodes are Ready. */
export async function openStage(o: StageOptions, n: Narrator): Promise<Stage> {
  const api = new ApiClient(o.apiUrl, 5_000);
  const reused = await healthy(o.apiUrl);
  const stage = reused ? reuse(o, api) : await start(o, n);
  try {
    const nodes = await waitFor(n, "every node Ready", 60_000, async () => {
      const items = (await stage.api.get<List<NodeRecord>>("/v1/nodes")).items;
      const ready = items.filter((x) => x.status === "Ready" && !x.cordoned);
      return items.length > 0 && ready.length === items.length && (reused || ready.length >= o.nodes)
        ? ready
        : undefined;
    });
    n.say(`${nodes.length} nodes Ready: ${nodes.map((x) => `${x.id} (${x.driver})`).join(", ")}`);
    n.say(`watch it live in the dashboard: ${o.apiUrl.replace(/\/+$/, "")}/`);
    return stage;
  } catch (err) {
    await stage.stop();
    throw err;
  }
}

async function healthy(apiUrl: string): Promise<boolean> {
  try {
    return (await fetch(new URL("/healthz", apiUrl), { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

function reuse(o: StageOptions, api: ApiClient): Stage {
  return {
    api,
    intake: new IntakeClient(o.natsUrl, undefined, natsCredsOf(o.dataDir)),
    apiUrl: o.apiUrl,
    dns: o.dns,
    started: false,
    chaosTarget: async () => {
      const { liveCluster } = await import("@tug/cluster");
      const f = liveCluster(o.dataDir.path);
      if (new URL(f.apiUrl).port !== new URL(o.apiUrl).port)
        throw new TugError(
          "VALIDATION_FAILED",
          `the local cluster in ${describeDataDir(o.dataDir)} serves ${f.apiUrl}, not ${o.apiUrl}; ` +
            `pass the --data-dir of the tug up behind ${o.apiUrl}`,
          "data-dir",
        );
      return f;
    },
    stop: async () => {},
  };
}

async function start(o: StageOptions, n: Narrator): Promise<Stage> {
  const lib = await import("@tug/cluster");
  // the default ./.tug may hold a `tug up` cluster's state: a cluster of the demo's own starts empty, in a temp dir
  const temp = o.dataDir.from === "default" ? mkdtempSync(join(tmpdir(), "tug-demo-")) : undefined;
  const dataDir = temp ?? o.dataDir.path;
  const t0 = Date.now();
  n.say(`no cluster answers at ${o.apiUrl}: starting a ${o.nodes}-node ${o.driver} cluster in ${dataDir}`);
  let cluster: LocalCluster;
  try {
    cluster = await lib.startLocalCluster({
      nodes: o.nodes,
      driver: o.driver,
      dataDir,
      natsPort: port(o.natsUrl, "--nats"),
      apiPort: port(o.apiUrl, "--api"),
      dnsPort: o.dns.port,
      redisPort: 0,
      portsFrom: o.portsFrom,
      workdir: lib.defaultRepoRoot(),
      // a 1 s autoscaler period, so the scaling demo answers a spike within a minute
      env: { TUG_AUTOSCALE_PERIOD_MS: "1000" },
      readyTimeoutMs: lib.UP_READY_TIMEOUT_MS,
      onStartup: (p) => n.waiting(startupLine(p)),
    });
  } catch (err) {
    if (temp) rmSync(temp, { recursive: true, force: true });
    throw err;
  }
  n.say(`cluster started in ${((Date.now() - t0) / 1000).toFixed(1)} s (logs in ${dataDir}/logs)`);
  let stopped: Promise<void> | undefined;
  return {
    api: new ApiClient(cluster.apiUrl, 5_000),
    intake: new IntakeClient(cluster.natsUrl, undefined, readNatsCreds(cluster.natsCreds)),
    apiUrl: cluster.apiUrl,
    dns: o.dns,
    started: true,
    chaosTarget: () => Promise.resolve(lib.liveCluster(dataDir)),
    stop: () =>
      (stopped ??= (async () => {
        await cluster.stop();
        if (temp) rmSync(temp, { recursive: true, force: true });
      })()),
  };
}

/** The port of a URL given to `flag` (a NATS cluster list is refused: a demo starts one server). */
function port(url: string, flag: string): number {
  if (url.includes(","))
    throw new TugError("VALIDATION_FAILED", `${flag}: a demo starts a single server, got the list ${url}`, flag);
  const u = new URL(url);
  return Number(u.port || (u.protocol === "http:" ? 80 : 4222));
}
