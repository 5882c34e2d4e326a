/**
 * `tug node add NAME`: the NATS credentials of a node that joins from another host. The identity goes into the data
 * dir beside the cluster's own, auth.conf is rewritten, and every nats-server of a running cluster reloads it
 * (SIGHUP: connected clients stay, unless their credentials were rotated away). Without a running cluster the
 * identity waits for the next `tug up`, which keeps it.
 */
import { existsSync } from "node:fs";
import { liveCluster, verifiedPid } from "../chaos.js";
import { clusterFilePath } from "../cluster-file.js";
import { addNodeIdentity } from "./store.js";

/** Options of `tug node add`. */
export interface NodeAddOptions {
  /** Replace the password (the old one stops working at the reload). */
  rotate?: boolean;
  /** The identity speaks for hollow nodes `NAME-1` … `NAME-<hollow>` (`tug hollow --prefix NAME`) instead. */
  hollow?: number;
}

/** What `addNode` did. */
export interface NodeAddResult {
  /** The credentials file to give the node (`tug worker --creds FILE`). */
  creds: string;
  /** The nodes the identity speaks for. */
  nodes: string[];
  /** The NATS servers that reloaded (`nats`, or `nats-1` … with `--ha`); empty when no cluster runs there. */
  reloaded: string[];
  /** The NATS URL of the running cluster, if one runs. */
  natsUrl?: string;
}

/** Writes node `name`'s identity into `dataDir` and reloads the running cluster's NATS servers. */
export function addNode(dataDir: string, name: string, o: NodeAddOptions = {}): NodeAddResult {
  const nodes = o.hollow ? Array.from({ length: o.hollow }, (_, i) => `${name}-${i + 1}`) : [name];
  const creds = addNodeIdentity(dataDir, name, { rotate: o.rotate, nodes });
  if (!existsSync(clusterFilePath(dataDir))) return { creds, nodes, reloaded: [] };
  let f;
  try {
    f = liveCluster(dataDir);
  } catch {
    return { creds, nodes, reloaded: [] }; // a stale cluster.json: the next tug up reads the identity
  }
  const reloaded: string[] = [];
  for (const c of f.components.filter((x) => x.role === "nats")) {
    const pid = verifiedPid(f, c);
    if (pid === undefined) continue;
    process.kill(pid, "SIGHUP");
    reloaded.push(c.name);
  }
  return { creds, nodes, reloaded, natsUrl: f.natsUrl };
}
