/**
 * Fault injection against a running local cluster (`tug chaos …`), found through its `cluster.json`. Only PIDs from
 * that file and from the workers' state files are signalled, and only after /proc/<pid>/environ shows they are
 * still the processes those files name (Linux; elsewhere the files are trusted). Docker replicas are found by their
 * `tug.replica` / `tug.node` labels plus this cluster's `tug.cluster` label.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { TugError } from "@tug/contracts";
import { sleep } from "@tug/runtime";
import { type ClusterFile, type ClusterFileComponent, readClusterFile } from "./cluster-file.js";
import { CLUSTER_LABEL, nodeDataDir } from "./components.js";
import { holdRestart } from "./holds.js";
import { findStrayReplicas } from "./strays.js";
import { isAlive, parentPid, readEnviron } from "./procfs.js";

const run = promisify(execFile);

/** What one fault did, for printing. */
export interface ChaosResult {
  /** One line per signalled process or container. */
  actions: string[];
}

/** Reads `<dataDir>/cluster.json` and checks that the cluster's supervisor still runs. */
export function liveCluster(dataDir: string): ClusterFile {
  const f = readClusterFile(dataDir);
  if (!isAlive(f.pid))
    throw new TugError(
      "NOT_FOUND",
      `the local cluster at ${dataDir} is not running (its supervisor, pid ${f.pid}, is gone)`,
      "data-dir",
    );
  return f;
}

/** SIGKILLs one replica: its process group (process driver) or its container (docker driver). */
export async function killReplica(f: ClusterFile, replica: string): Promise<ChaosResult> {
  if (f.driver === "docker") {
    const ids = await containers(f, [`tug.replica=${replica}`]);
    if (!ids.length)
      throw new TugError("NOT_FOUND", `no running container of replica ${replica} in this cluster`, "replica");
    await dockerKill(ids);
    return { actions: ids.map((c) => `killed container ${c} of replica ${replica}`) };
  }
  if (f.driver !== "process")
    throw new TugError(
      "VALIDATION_FAILED",
      `kill-replica needs the process or docker driver; this cluster runs ${f.driver}`,
      "driver",
    );
  const procs = replicaProcesses(f, f.nodes).filter((p) => p.replica === replica);
  if (!procs.length)
    throw new TugError("NOT_FOUND", `no live process of replica ${replica} in the workers' state files`, "replica");
  for (const p of procs) killGroup(p.pid);
  return { actions: procs.map((p) => `killed replica ${replica} (pid ${p.pid}) on ${p.node}`) };
}

/**
 * A machine that vanished: holds the worker's restart for `downMs`, SIGKILLs the worker, then kills every replica of
 * the node (process groups or containers). The supervisor restarts the worker once the hold ends.
 */
export async function killNode(f: ClusterFile, node: string, downMs: number): Promise<ChaosResult> {
  const worker = workerOf(f, node);
  holdRestart(f.dataDir, worker.name, downMs);
  const actions: string[] = [];
  const pid = verifiedPid(f, worker);
  if (pid !== undefined) {
    process.kill(pid, "SIGKILL");
    actions.push(`killed ${worker.name} (pid ${pid}); it stays down for ${Math.round(downMs / 1000)} s`);
  } else actions.push(`${worker.name} was not running; it stays down for ${Math.round(downMs / 1000)} s`);
  if (f.driver === "docker") {
    const ids = await containers(f, [`tug.node=${node}`]);
    if (ids.length) await dockerKill(ids);
    actions.push(...ids.map((c) => `killed container ${c}`));
  } else {
    for (const p of replicaProcesses(f, [node])) {
      killGroup(p.pid);
      actions.push(`killed replica ${p.replica} (pid ${p.pid})`);
    }
  }
  return { actions };
}

/**
 * A node cut off for a while: SIGSTOPs its worker (its replicas keep running), waits `seconds`, then SIGCONTs it,
 * also when `signal` aborts the wait early.
 */
export async function pauseNode(
  f: ClusterFile,
  node: string,
  seconds: number,
  signal?: AbortSignal,
  progress?: (line: string) => void,
): Promise<ChaosResult> {
  const worker = workerOf(f, node);
  const pid = verifiedPid(f, worker);
  if (pid === undefined) throw new TugError("NODE_NOT_READY", `${worker.name} is not running`, "node");
  process.kill(pid, "SIGSTOP");
  progress?.(`paused ${worker.name} (pid ${pid}) for ${seconds} s`);
  try {
    await sleep(seconds * 1000, signal);
  } finally {
    try {
      process.kill(pid, "SIGCONT");
    } catch {
      /* it died meanwhile */
    }
  }
  return {
    actions: [
      `paused ${worker.name} (pid ${pid}) for ${seconds} s${signal?.aborted ? " (cut short)" : ""}, then resumed it`,
    ],
  };
}

/** SIGKILLs one component by role (its first running instance) or by name; the supervisor restarts it. */
export function killComponent(f: ClusterFile, roleOrName: string): ChaosResult {
  const c =
    f.components.find((x) => x.name === roleOrName && x.pid !== null) ??
    f.components.find((x) => x.role === roleOrName && x.pid !== null);
  if (!c) {
    const roles = [...new Set(f.components.map((x) => x.role))].join(", ");
    throw new TugError("NOT_FOUND", `no running component ${JSON.stringify(roleOrName)} (roles: ${roles})`, "role");
  }
  const pid = verifiedPid(f, c);
  if (pid === undefined)
    throw new TugError(
      "NOT_FOUND",
      `${c.name} is not running (its recorded pid is gone or belongs to another process)`,
      "role",
    );
  process.kill(pid, "SIGKILL");
  return { actions: [`killed ${c.name} (pid ${pid}); the supervisor restarts it`] };
}

function workerOf(f: ClusterFile, node: string): ClusterFileComponent {
  const w = f.components.find((c) => c.role === "worker" && (c.node === node || c.name === `worker-${node}`));
  if (!w)
    throw new TugError(
      "NOT_FOUND",
      `node ${node} is not a node of this cluster (nodes: ${f.nodes.join(", ")})`,
      "node",
    );
  return w;
}

/** The component's PID when it is alive and /proc confirms it is that component of this cluster. */
export function verifiedPid(f: ClusterFile, c: ClusterFileComponent): number | undefined {
  if (c.pid === null || !isAlive(c.pid)) return undefined;
  const env = environ(c.pid);
  const marked = env?.includes(`TUG_COMPONENT=${c.name}`) && env.includes(`TUG_CLUSTER_DIR=${f.dataDir}`);
  // redis-server overwrites its environment with its process title: a direct child of the supervisor is ours too
  if (env && !marked && parentPid(c.pid) !== f.pid) return undefined;
  return c.pid;
}

function replicaProcesses(f: ClusterFile, nodes: readonly string[]) {
  return findStrayReplicas(new Map(nodes.map((n) => [n, nodeDataDir(f.dataDir, n)])));
}

async function containers(f: ClusterFile, labels: string[]): Promise<string[]> {
  const filters = [...labels, `${CLUSTER_LABEL}=${f.prefix}`].flatMap((l) => ["--filter", `label=${l}`]);
  const { stdout } = await docker(["ps", "-q", ...filters]);
  return stdout
    .split("\n")
    .map((s) => s.trim())
    .filter(Boolean);
}

async function dockerKill(ids: string[]): Promise<void> {
  await docker(["kill", ...ids]);
}

async function docker(args: string[]): Promise<{ stdout: string }> {
  try {
    return await run("docker", args, { timeout: 30_000 });
  } catch (err) {
    throw new TugError("INTERNAL", `docker ${args[0]} failed: ${(err as Error).message.split("\n")[0]}`);
  }
}

/** SIGKILLs the process group led by `pid` (replicas lead their own), or just `pid` when it leads none. */
function killGroup(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, "SIGKILL");
      return;
    } catch {
      /* try the next target */
    }
  }
}

/** The environment of `pid`, or undefined where /proc is not available. */
function environ(pid: number): string[] | undefined {
  return existsSync("/proc/self/environ") ? readEnviron(pid) : undefined;
}
