/**
 * When `tug up` runs hollow nodes: the fake driver at 100 nodes or more (and no hosts lab) starts hollow processes
 * of up to 1,000 nodes each (`node-1` … `node-N` as ever) instead of one worker process per node.
 */

/** Nodes from which a fake-driver cluster runs hollow processes. */
export const HOLLOW_FROM = 100;
/** Nodes per hollow process. */
export const HOLLOW_PER_PROCESS = 1_000;

/** True when a cluster of `nodes` on `driver` (with a lab of `hosts`, 0 = none) runs hollow processes. */
export function runsHollow(o: { driver: string; nodes: number; hosts: number }): boolean {
  return o.driver === "fake" && o.hosts === 0 && o.nodes >= HOLLOW_FROM;
}

/** Worker processes the cluster starts: one per node, or one per HOLLOW_PER_PROCESS hollow nodes. */
export function workerProcesses(o: { driver: string; nodes: number; hosts: number }): number {
  return runsHollow(o) ? Math.ceil(o.nodes / HOLLOW_PER_PROCESS) : o.nodes;
}
