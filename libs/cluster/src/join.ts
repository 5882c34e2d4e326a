/**
 * `tug worker --join`: one node that joins a cluster from any host. It runs the worker service in the foreground
 * as a child process (services/worker/dist/main.js) with the node's settings in its environment, forwards SIGINT and
 * SIGTERM to it, and exits with its exit code. The worker needs nothing but the NATS URL: no Redis, no local file of
 * the control plane.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { runForeground } from "./foreground.js";
import { entryFile } from "./components.js";
import { defaultRepoRoot, DOCKER_NETWORKS, OptionError } from "./options.js";
import { credsEnv } from "./nats-auth/creds-option.js";

/** Options of `tug worker` (strings straight from commander are accepted and validated). */
export interface JoinOptions {
  /** NATS URL of the cluster, `nats://ADDR:4222`. */
  join?: string;
  /** Address this node advertises; its replicas listen (or are published) there and are probed there. */
  address?: string;
  /** Node id. */
  node?: string;
  driver?: string;
  /** The containers' network with the docker driver: `bridge` (default) or `host` (docs/operations.md). */
  dockerNetwork?: string;
  /** First host port of the node's range of 1000 (default 20000). */
  portsFrom?: number | string;
  /** Where the worker keeps its state file and the replicas' logs (default `./.tug/nodes/<node>`). */
  dataDir?: string;
  /** Node labels, `k=v,k2=v2` (for nodeSelector). */
  labels?: string;
  /** Port of the worker's /healthz and /metrics on `address` (default: any free one). */
  healthPort?: number | string;
  /** Stop every replica when the worker stops (default: they keep running for the next worker to adopt). */
  stopReplicasOnExit?: boolean;
  logLevel?: string;
  /**
   * The node's NATS credentials file (from `tug node add NAME` on the control plane; default: `TUG_NATS_CREDS`).
   */
  creds?: string;
  /** Where services/worker/dist/main.js lives (default: this repository). */
  repoRoot?: string;
}

const NODE = /^[A-Za-z0-9_-]{1,128}$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const LABEL = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
const HOSTNAME = new RegExp(`^(?=.{1,253}$)${LABEL}(\\.${LABEL})*$`);
const NATS_URL = /^(nats|tls):\/\/[^\s/]+(:\d{1,5})?$/;
const DRIVERS = ["process", "docker", "fake"];

/** Throws OptionError(option, message) unless `ok`. */
function check(ok: boolean, option: string, message: string): void {
  if (!ok) throw new OptionError(option, message);
}

/** Validates the options and returns the worker's environment. Throws OptionError naming the bad option. */
export function joinEnv(o: JoinOptions): Record<string, string> {
  const got = (v: unknown) => `got ${JSON.stringify(v)}`;
  const url = o.join ?? "";
  check(NATS_URL.test(url), "join", `must be a NATS URL like nats://10.0.0.1:4222, ${got(url)}`);
  const address = o.address ?? "";
  const reachable = IPV4.test(address) || HOSTNAME.test(address);
  check(reachable, "address", `must be an IPv4 address or host name others reach this node at, ${got(address)}`);
  const node = o.node ?? "";
  check(NODE.test(node), "node", `must be a node id ([A-Za-z0-9_-], up to 128), ${got(node)}`);
  const driver = o.driver ?? "process";
  check(DRIVERS.includes(driver), "driver", `must be one of ${DRIVERS.join(", ")}, ${got(driver)}`);
  const network = o.dockerNetwork ?? "bridge";
  check(DOCKER_NETWORKS.includes(network), "dockerNetwork", `must be bridge or host, ${got(network)}`);
  const portsFrom = Number(o.portsFrom ?? 20_000);
  const portsOk = Number.isInteger(portsFrom) && portsFrom >= 1024 && portsFrom <= 64_536;
  check(portsOk, "portsFrom", `must be an integer in 1024..64536, ${got(o.portsFrom)}`);
  const healthPort = Number(o.healthPort ?? 0);
  const healthOk = Number.isInteger(healthPort) && healthPort >= 0 && healthPort <= 65_535;
  check(healthOk, "healthPort", `must be a port number, ${got(o.healthPort)}`);
  const inRange = healthPort >= portsFrom && healthPort <= portsFrom + 999;
  check(!inRange, "healthPort", `${healthPort} is inside the replica port range ${portsFrom}-${portsFrom + 999}`);
  const env: Record<string, string> = {
    TUG_NATS_URL: url,
    TUG_NODE: node,
    TUG_NODE_ADDRESS: address,
    TUG_DRIVER: driver,
    TUG_PORTS_FROM: String(portsFrom),
    TUG_DATA_DIR: resolve(o.dataDir ?? `.tug/nodes/${node}`),
    TUG_HEALTH_HOST: address,
    TUG_HEALTH_PORT: String(healthPort),
    TUG_INSTANCE: `worker-${node}-${process.pid}-${Date.now().toString(36)}`,
  };
  if (o.dockerNetwork) env.TUG_DOCKER_NETWORK = network;
  if (o.labels) env.TUG_NODE_LABELS = o.labels;
  if (o.logLevel) env.TUG_LOG_LEVEL = o.logLevel;
  if (o.stopReplicasOnExit) env.TUG_WORKER_STOP_ON_EXIT = "1";
  Object.assign(env, credsEnv(o.creds));
  return env;
}

/**
 * Runs the worker in the foreground until it exits (SIGINT/SIGTERM are passed on, so Ctrl-C stops it gracefully);
 * resolves with its exit code. Bad options throw OptionError before anything starts.
 */
export async function runWorker(o: JoinOptions, out: (line: string) => void = stderrLine): Promise<number> {
  const env = joinEnv(o);
  const main = entryFile(o.repoRoot ?? defaultRepoRoot(), "worker");
  if (!existsSync(main)) throw new Error(`missing worker build ${main} (run \`npm run build\`)`);
  const { TUG_NODE: node, TUG_NODE_ADDRESS: address, TUG_NATS_URL: url, TUG_DRIVER: driver } = env;
  out(`tug worker: node ${node} at ${address} joins ${url} (${driver} driver)`);
  return runForeground(main, env);
}

function stderrLine(line: string): void {
  process.stderr.write(`${line}\n`);
}
