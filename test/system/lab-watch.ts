/**
 * A watch over a hosts lab during a partition (hosts.sys.test.ts): samples nodes, endpoints and the namespaces'
 * process lists every 150 ms and records every breach of the partition invariants.
 */
import type { Lab } from "@tug/cluster";
import { endpointsOf, labReplicaProcesses, nodeStatuses, ofDeployment } from "./lab.js";

/** What the watch saw. */
export interface WatchResult {
  violations: string[];
  /** Most copies of the guarded deployment running in all namespaces at one instant. */
  maxGuarded: number;
  samples: number;
}

/** The watch: `cut(host)` when the partition starts, `healed()` when it ends, `stop()` for the result. */
export interface PartitionWatch {
  cut(host: string): void;
  healed(): void;
  stop(): Promise<WatchResult>;
}

/**
 * Watches deployments `names` and the one with `disconnect.stopAfterSeconds: stopAfterS` (`guarded`): no endpoint of
 * a node NotReady before and after the endpoints were read; while cut off, once S + 1 s have passed, no copy of the
 * guarded deployment on the cut-off host; and the most copies of it anywhere at one instant.
 */
export function watchPartition(
  apiUrl: string,
  lab: Lab,
  names: string[],
  guarded: string,
  stopAfterS: number,
): PartitionWatch {
  const r: WatchResult = { violations: [], maxGuarded: 0, samples: 0 };
  let cutHost: string | undefined;
  let cutAt = 0;
  let running = true;
  const sample = async () => {
    const first = await nodeStatuses(apiUrl);
    const eps = (await Promise.all(names.map((n) => endpointsOf(apiUrl, n)))).flat();
    const ps = await labReplicaProcesses(lab);
    const second = await nodeStatuses(apiUrl);
    const down = (node: string) => first.get(node)?.status !== "Ready" && second.get(node)?.status !== "Ready";
    for (const e of eps) if (down(e.node)) r.violations.push(`endpoint ${e.replica} of NotReady ${e.node}`);
    const g = ofDeployment(ps, guarded);
    r.maxGuarded = Math.max(r.maxGuarded, g.length);
    const late = cutHost !== undefined && Date.now() - cutAt > (stopAfterS + 1) * 1000;
    const left = g.filter((p) => p.node === cutHost).map((p) => p.replica);
    const after = Date.now() - cutAt;
    if (late && left.length) r.violations.push(`${guarded} ${left} on ${cutHost} ${after} ms after the cut`);
    r.samples++;
  };
  const loop = (async () => {
    for (let i = 0; running && i < 2_000; i++) {
      await sample().catch(() => {});
      await new Promise((res) => setTimeout(res, 150));
    }
  })();
  return {
    cut: (host) => {
      cutHost = host;
      cutAt = Date.now();
    },
    healed: () => {
      cutHost = undefined;
    },
    stop: async () => {
      running = false;
      await loop;
      return r;
    },
  };
}
