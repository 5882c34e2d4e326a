/**
 * `tug up`: a local cluster in the foreground. Prints a banner and the components' output, optionally applies a
 * manifest file once the registry answers, and stops everything it started on SIGINT/SIGTERM (exit 0).
 * Bad options exit 2; a failed start exits 1.
 */
import { Bus, readNatsCreds } from "@tug/bus";
import { silentLogger } from "@tug/log";
import { requestText, sleep } from "@tug/runtime";
import { type LocalCluster, startLocalCluster } from "./cluster.js";
import { formatLine } from "./format.js";
import { applyManifests, readManifestFile } from "./manifests.js";
import { type LocalClusterOptions, OptionError } from "./options.js";

/** Components whose output only goes to their log file (their start-up chatter drowns everything else). */
const QUIET = /^(nats|redis|sentinel)(-\d+)?$/;

/** Options of `tug up` (strings straight from commander are accepted and validated). */
export interface UpOptions {
  nodes?: number | string;
  /** Hosts lab: one network namespace per node (root only). */
  hosts?: number | string;
  hostsSubnet?: string;
  /** No single point of failure: 3 NATS servers, Redis with 2 replicas and 3 Sentinels, 2 of every component. */
  ha?: boolean;
  driver?: string;
  dataDir?: string;
  portsFrom?: number | string;
  replicasPerComponent?: number | string;
  /** Manifest file (YAML or JSON, multi-document) to apply once the cluster is up. */
  apply?: string;
  natsPort?: number | string;
  redisPort?: number | string;
  apiPort?: number | string;
  /** The address the API binds (default 127.0.0.1; any other turns on TLS). */
  apiHost?: string;
  dnsPort?: number | string;
  logLevel?: string;
  /**
   * How long to wait for every component to listen (default 120 s: on a busy machine 30 s was seen to be too short).
   */
  readyTimeoutMs?: number | string;
  /** Start-up progress (see LocalClusterOptions.onStartup). */
  onStartup?: LocalClusterOptions["onStartup"];
}

/** `tug up`'s wait for its components; startLocalCluster's own default (30 s) suits tests with idle machines. */
export const UP_READY_TIMEOUT_MS = 120_000;

/** Where runUp writes and how it waits and exits (the process by default; replaceable in tests). */
export interface UpIo {
  out(line: string): void;
  err(line: string): void;
  /** Resolves with the signal that asks us to stop. */
  stopSignal(): Promise<string>;
  exit(code: number): void;
}

/** The real process: stdout, stderr, SIGINT/SIGTERM and process.exit. */
export const processIo: UpIo = {
  out: (l) => void process.stdout.write(l + "\n"),
  err: (l) => void process.stderr.write(l + "\n"),
  stopSignal: () =>
    new Promise((resolve) => {
      const on = (sig: string) => {
        process.off("SIGINT", on).off("SIGTERM", on);
        resolve(sig);
      };
      process.on("SIGINT", on).on("SIGTERM", on);
    }),
  exit: (code) => process.exit(code),
};

/** Runs the local cluster until a stop signal; resolves with (and exits with) the exit code. */
export async function runUp(opts: UpOptions = {}, io: UpIo = processIo): Promise<number> {
  const stopAsked = io.stopSignal();
  let cluster: LocalCluster | undefined;
  try {
    const manifests = readManifests(opts.apply);
    const { apply: _apply, ...rest } = opts;
    const starting = startLocalCluster({
      readyTimeoutMs: UP_READY_TIMEOUT_MS,
      ...(rest as LocalClusterOptions),
      onLine: (c, l) => {
        if (!QUIET.test(c)) io.out(formatLine(c, l));
      },
    });
    cluster = await Promise.race([starting, stopAsked.then(() => undefined)]);
    if (!cluster) {
      await (await starting.catch(() => undefined))?.stop();
      return finish(io, 0, "stopped during startup; nothing left running");
    }
    printBanner(io, cluster);
    if (manifests.length) await Promise.race([applyAll(io, cluster, manifests), stopAsked]);
    const sig = await stopAsked;
    io.out(`tug up: ${sig}, stopping…`);
    await cluster.stop();
    return finish(io, 0, "stopped; nothing left running");
  } catch (err) {
    await cluster?.stop();
    return finish(io, err instanceof OptionError ? 2 : 1, `tug up: ${(err as Error).message}`);
  }
}

/** Reads the --apply file up front, so a bad file fails before anything starts. */
function readManifests(path: string | undefined): unknown[] {
  if (path === undefined) return [];
  try {
    return readManifestFile(path);
  } catch (err) {
    throw new OptionError("apply", (err as Error).message);
  }
}

function finish(io: UpIo, code: number, message: string): number {
  (code === 0 ? io.out : io.err)(message);
  io.exit(code);
  return code;
}

function printBanner(io: UpIo, c: LocalCluster): void {
  const pad = (k: string) => k.padEnd(10);
  io.out(
    [
      "tugboat local cluster is up",
      `  ${pad("API")}${c.apiUrl} (write token in ${c.dataDir}/api-token)`,
      `  ${pad("dashboard")}${c.apiUrl}/#token=${c.apiToken}`,
      `  ${pad("DNS")}127.0.0.1:${c.dnsPort} (udp/tcp)`,
      `  ${pad("NATS")}${c.natsUrl}`,
      c.ha
        ? `  ${pad("Redis")}primary ${c.redisUrl} at first; Sentinels ${c.redis.sentinels} ` +
          `(master ${c.ha.masterName}, prefix ${c.prefix})`
        : `  ${pad("Redis")}${c.redisUrl} (prefix ${c.prefix})`,
      `  ${pad("data dir")}${c.dataDir} (logs in ${c.dataDir}/logs/<component>.log)`,
      `  ${pad("nodes")}${c.nodes.join(", ") || "(none)"}`,
      ...(c.lab
        ? [
            `  ${pad("hosts")}${c.lab.hosts.map((h) => `${h.node} ${h.address} (netns ${h.namespace})`).join(", ")}`,
            ...(c.lab.controlPlane
              ? [`  ${pad("cp hosts")}${c.lab.controlPlane.map((h) => `${h.node} ${h.address}`).join(", ")}`]
              : []),
            `  ${pad("bridge")}${c.lab.bridge} ${c.lab.bridgeAddress} on ${c.lab.subnet}; ` +
              `NATS for the hosts on ${c.lab.controlPlane ? c.natsUrl : `${c.lab.bridgeAddress}:${c.natsPort}`}`,
          ]
        : []),
      ...c.components.map(
        (p) =>
          `  · ${p.name.padEnd(20)} pid ${String(p.pid ?? "-").padEnd(8)}${p.healthPort ? `health :${p.healthPort}` : ""}`,
      ),
      "Ctrl-C stops everything.",
    ].join("\n"),
  );
}

/** Waits for the registry's /healthz, then applies every manifest and prints the revision or the error. */
async function applyAll(io: UpIo, c: LocalCluster, manifests: unknown[]): Promise<void> {
  if (!(await waitHealthy(`${c.apiUrl}/healthz`, 60_000, c.apiCa))) {
    io.err(`tug up: the registry did not answer ${c.apiUrl}/healthz; nothing applied`);
    return;
  }
  const bus = await Bus.connect({
    url: c.natsUrl,
    name: "tug-up",
    log: silentLogger(),
    creds: readNatsCreds(c.natsCreds),
  });
  try {
    for (const r of await applyManifests(bus, manifests)) {
      if (r.ok) io.out(`applied ${r.name}: revision ${r.revision}${r.unchanged ? " (unchanged)" : ""}`);
      else io.err(`apply ${r.name} failed: ${r.code}: ${r.message}${r.field ? ` (field ${r.field})` : ""}`);
    }
  } finally {
    await bus.close();
  }
}

async function waitHealthy(url: string, timeoutMs: number, ca?: string): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await requestText(url, { ca, timeoutMs: 2_000 })).ok) return true;
    } catch {
      // not up yet
    }
    await sleep(200);
  }
  return false;
}
