/**
 * Seeding a real store for integration tests: a fake node's heartbeat, a replica to create, and a replica placed on
 * a node and reported Running there, as a worker would.
 */
import type { Heartbeat } from "@tug/contracts";
import type { NewReplica, RedisStore } from "@tug/state";

/** The heartbeat of fake-driver node `node` at 127.0.0.1 (instance i1, seq 1) with `cpuMillis` and 1 GiB. */
export function fakeHeartbeat(node = "n1", cpuMillis = 4_000): Heartbeat {
  return {
    node,
    instance: "i1",
    seq: 1,
    address: "127.0.0.1",
    capacity: { cpuMillis, memoryBytes: 1 << 30 },
    labels: {},
    driver: "fake",
  };
}

/** Where and how large a seeded replica is. */
export interface ReplicaSeed {
  /** Deployment id; default/web by default. */
  deployment?: string;
  /** CPU request; 10 by default. */
  cpuMillis?: number;
  /** Memory request; 1 byte by default. */
  memoryBytes?: number;
  /** Node the replica is bound to and reported on; n1 by default. */
  node?: string;
}

/** A replica to create: revision 1 of the seed's deployment with its requests and no node selector. */
export function newReplica(id: string, seed: ReplicaSeed = {}): NewReplica {
  return {
    id,
    deployment: seed.deployment ?? "default/web",
    revision: 1,
    resources: { cpuMillis: seed.cpuMillis ?? 10, memoryBytes: seed.memoryBytes ?? 1 },
    nodeSelector: {},
  };
}

/** Creates replica `id` and binds it to the seed's node (at generation 1). */
export async function placeReplica(store: RedisStore, id: string, seed: ReplicaSeed = {}): Promise<void> {
  await store.createReplica(newReplica(id, seed));
  await store.bindReplica(id, seed.node ?? "n1", 1);
}

/** Reports replica `id` Running on the seed's node (host 127.0.0.1) at `hostPort`, ready unless `ready` is false. */
export async function reportRunning(
  store: RedisStore,
  id: string,
  hostPort: number,
  ready = true,
  node = "n1",
): Promise<void> {
  await store.reportReplica(node, "127.0.0.1", { id, phase: "Running", ready, hostPort, restarts: 0 });
}

/** Places replica `id` (unless it exists) and reports it Running at `hostPort`: an endpoint when `ready`. */
export async function runReplica(
  store: RedisStore,
  id: string,
  hostPort: number,
  seed: ReplicaSeed & { ready?: boolean } = {},
): Promise<void> {
  if (!(await store.replica(id))) await placeReplica(store, id, seed);
  await reportRunning(store, id, hostPort, seed.ready ?? true, seed.node);
}
