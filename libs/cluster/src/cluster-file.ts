/**
 * `<dataDir>/cluster.json`: what a running local cluster is made of (addresses, driver, node ids, and every
 * supervised component with its current PID). `tug up` rewrites it atomically whenever a component starts or exits
 * and removes it on stop; `tug chaos` reads it to find the processes it may signal.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { TugError } from "@tug/contracts";
import type { Lab } from "./hosts/lab.js";
import type { HaAddresses } from "./ha/addresses.js";

/** One supervised process as recorded in the cluster file. */
export interface ClusterFileComponent {
  /** Unique name, e.g. `controller-1`, `worker-node-2`, `nats`. */
  name: string;
  /** Role, e.g. `controller`, `worker`, `nats`. */
  role: string;
  /** Current PID, or null while it waits to be restarted. */
  pid: number | null;
  /** For workers: the node they run. */
  node?: string;
}

/** The whole cluster file. */
export interface ClusterFile {
  version: 1;
  /** PID of the process that supervises the cluster (`tug up`, a test, a benchmark). */
  pid: number;
  prefix: string;
  driver: string;
  dataDir: string;
  natsUrl: string;
  redisUrl: string;
  apiUrl: string;
  nodes: string[];
  components: ClusterFileComponent[];
  updatedAt: number;
  /** The hosts lab, when the cluster runs one (`tug up --hosts`). */
  lab?: Lab;
  /** The NATS, Redis and Sentinel ports of an `--ha` cluster. */
  ha?: HaAddresses;
}

/** Where the cluster file of `dataDir` lives. */
export function clusterFilePath(dataDir: string): string {
  return join(dataDir, "cluster.json");
}

/** Writes the cluster file atomically (temp file + rename). */
export function writeClusterFile(dataDir: string, file: ClusterFile): void {
  const path = clusterFilePath(dataDir);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(file, null, 1)}\n`);
  renameSync(tmp, path);
}

/** Removes the cluster file (a stopped cluster has none). */
export function removeClusterFile(dataDir: string): void {
  rmSync(clusterFilePath(dataDir), { force: true });
}

/**
 * Reads and validates the cluster file of `dataDir`. Throws NOT_FOUND when there is none (no cluster was started
 * there, or it stopped) and VALIDATION_FAILED when it is malformed.
 */
export function readClusterFile(dataDir: string): ClusterFile {
  const path = clusterFilePath(dataDir);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === "ENOENT";
    throw new TugError(
      missing ? "NOT_FOUND" : "VALIDATION_FAILED",
      missing
        ? `no local cluster at ${dataDir} (${path} does not exist; start one with \`tug up --data-dir ${dataDir}\`)`
        : `${path} is not valid JSON`,
      "data-dir",
    );
  }
  return validateClusterFile(raw, path);
}

/** Checks the shape of a parsed cluster file; the error names the first bad field. */
export function validateClusterFile(raw: unknown, where = "cluster file"): ClusterFile {
  const bad = (field: string, what: string) => new TugError("VALIDATION_FAILED", `${where}: ${field} ${what}`, field);
  const f = raw as Partial<ClusterFile> | null;
  if (!f || typeof f !== "object") throw bad("(root)", "must be an object");
  if (f.version !== 1) throw bad("version", `must be 1, got ${JSON.stringify(f.version)}`);
  if (!isPid(f.pid)) throw bad("pid", "must be a PID");
  for (const k of ["prefix", "driver", "dataDir", "natsUrl", "redisUrl", "apiUrl"] as const)
    if (typeof f[k] !== "string" || !f[k]) throw bad(k, "must be a non-empty string");
  if (!Array.isArray(f.nodes) || !f.nodes.every((n) => typeof n === "string" && /^[A-Za-z0-9_-]{1,128}$/.test(n)))
    throw bad("nodes", "must be a list of node ids");
  if (!Array.isArray(f.components)) throw bad("components", "must be a list");
  f.components.forEach((c, i) => {
    if (!c || typeof c.name !== "string" || typeof c.role !== "string")
      throw bad(`components[${i}]`, "needs a name and a role");
    if (c.pid !== null && !isPid(c.pid)) throw bad(`components[${i}].pid`, "must be a PID or null");
  });
  return f as ClusterFile;
}

/** A plausible PID of someone else's process (never 0, 1 or negative: those signal groups or init). */
export function isPid(v: unknown): v is number {
  return Number.isSafeInteger(v) && (v as number) > 1;
}
