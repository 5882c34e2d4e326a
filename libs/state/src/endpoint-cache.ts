/**
 * An in-memory copy of every deployment and its ready endpoints, kept current per change instead of per pass: the
 * proxy's routes and DNS read it without a Redis round trip. `hint()` marks what a NATS hint named; `sync()` re-reads
 * only that, plus the deployments whose endpoint index moved (one HGETALL of the index hash, so a lost endpoint hint
 * costs one sync period). Two safety nets, at fixed periods: every `resyncMs` the deployment and node records are
 * re-read and compared (what only hints announce: a lost one costs at most that period), and every `deepResyncMs`
 * the whole cache is, every replica included (the index moves in the same Lua script as each endpoint change, so
 * this one guards against bugs, not lost messages, and may be rare: it is the cost that grows with the cluster).
 */
import {
  type DeploymentRecord,
  type Endpoint,
  endpointsOf,
  type NodeRecord,
  type ReplicaRecord,
  sameNodeRecord,
} from "@tug/contracts";
import type { RedisStore } from "./store.js";

/** The store reads the cache needs. */
export type EndpointCacheStore = Pick<
  RedisStore,
  "deployments" | "deployment" | "replicas" | "replicasOfDeployment" | "nodes" | "node" | "endpointsIndexes"
>;

/** Default period of the re-read of every replica (ms). */
export const DEEP_RESYNC_MS = 300_000;

/** What a hint named. */
export type CacheHint = "deployment" | "endpoints" | "node";

/** Deployments, endpoints and nodes, refreshed per change. */
export class EndpointCache {
  private deps = new Map<string, DeploymentRecord>();
  private eps = new Map<string, Endpoint[]>();
  /** Ids with replica records (a deleted deployment's service lives on while its replicas do). */
  private withReplicas = new Set<string>();
  private indexes = new Map<string, number>();
  private nodes = new Map<string, NodeRecord>();
  private readonly dirty = { deployment: new Set<string>(), endpoints: new Set<string>(), node: new Set<string>() };
  private fullAt = -Infinity;
  private recordsAt = -Infinity;

  /** `resyncMs`: period of the re-read of deployment and node records; `deepResyncMs`: of everything. */
  constructor(
    private readonly store: EndpointCacheStore,
    private readonly resyncMs: number,
    private readonly deepResyncMs = DEEP_RESYNC_MS,
  ) {}

  /** A hint named `id`; `sync()` re-reads it. An id-less hint forces a full re-read. */
  hint(kind: CacheHint, id?: string): void {
    if (id === undefined || (kind !== "node" && !id.includes("/"))) this.fullAt = -Infinity;
    else this.dirty[kind].add(id);
  }

  /** Every deployment record, by id. */
  deployments(): ReadonlyMap<string, DeploymentRecord> {
    return this.deps;
  }

  /** Ids of every service: deployments, and ids whose replicas outlive their deployment. */
  services(): Set<string> {
    return new Set([...this.deps.keys(), ...this.withReplicas]);
  }

  /** The ready endpoints of `id` (the same array until they change). */
  endpoints(id: string): readonly Endpoint[] {
    return this.eps.get(id) ?? [];
  }

  /** Brings the cache up to date; returns the ids whose deployment or endpoints changed. */
  async sync(now = Date.now()): Promise<Set<string>> {
    if (now - this.fullAt >= Math.max(this.deepResyncMs, this.resyncMs)) return this.full(now);
    if (now - this.recordsAt >= this.resyncMs) await this.compareRecords(now);
    const changed = new Set<string>();
    const take = (s: Set<string>) => {
      const out = [...s];
      s.clear();
      return out;
    };
    for (const id of take(this.dirty.node)) {
      const n = await this.store.node(id);
      if (n) this.nodes.set(id, n);
      else this.nodes.delete(id);
      for (const [dep, eps] of this.eps) if (eps.some((e) => e.node === id)) this.dirty.endpoints.add(dep);
    }
    for (const id of take(this.dirty.deployment)) {
      const d = await this.store.deployment(id);
      if (d) this.deps.set(id, d);
      else this.deps.delete(id);
      this.dirty.endpoints.add(id);
      changed.add(id);
    }
    const indexes = await this.store.endpointsIndexes();
    for (const [id, v] of indexes) if (this.indexes.get(id) !== v) this.dirty.endpoints.add(id);
    for (const id of this.indexes.keys()) if (!indexes.has(id)) this.dirty.endpoints.add(id);
    this.indexes = indexes;
    for (const id of take(this.dirty.endpoints)) if (await this.refresh(id)) changed.add(id);
    return changed;
  }

  /** Marks dirty every deployment and node whose record differs from the cached one (a hint of it was lost). */
  private async compareRecords(now: number): Promise<void> {
    const [deps, nodes] = await Promise.all([this.store.deployments(), this.store.nodes()]);
    this.recordsAt = now;
    markChanged(this.deps, deps, this.dirty.deployment, (a, b) => JSON.stringify(a) === JSON.stringify(b));
    markChanged(this.nodes, nodes, this.dirty.node, sameNodeRecord);
  }

  private async refresh(id: string): Promise<boolean> {
    const replicas = await this.store.replicasOfDeployment(id);
    for (const node of new Set(replicas.map((r) => r.node))) {
      if (node && !this.nodes.has(node)) {
        const n = await this.store.node(node);
        if (n) this.nodes.set(node, n);
      }
    }
    if (replicas.length) this.withReplicas.add(id);
    else this.withReplicas.delete(id);
    return this.set(id, endpointsOf(replicas, this.nodes));
  }

  private async full(now: number): Promise<Set<string>> {
    for (const s of Object.values(this.dirty)) s.clear();
    const s = this.store;
    const [deps, replicas, nodes, indexes] = await Promise.all([
      s.deployments(),
      s.replicas(),
      s.nodes(),
      s.endpointsIndexes(),
    ]);
    this.fullAt = now;
    this.recordsAt = now;
    this.indexes = indexes;
    this.nodes = new Map(nodes.map((n) => [n.id, n]));
    const before = this.services();
    this.deps = new Map(deps.map((d) => [d.id, d]));
    const byDep = new Map<string, ReplicaRecord[]>();
    for (const r of replicas) {
      const list = byDep.get(r.deployment);
      if (list) list.push(r);
      else byDep.set(r.deployment, [r]);
    }
    this.withReplicas = new Set(byDep.keys());
    const changed = new Set<string>([...before].filter((id) => !this.deps.has(id) && !byDep.has(id)));
    for (const id of changed) this.eps.delete(id);
    for (const id of this.services()) if (this.set(id, endpointsOf(byDep.get(id) ?? [], this.nodes))) changed.add(id);
    return changed;
  }

  /** Stores `eps` for `id` unless equal to what is there; true when it changed. */
  private set(id: string, eps: Endpoint[]): boolean {
    const prev = this.eps.get(id);
    if (prev && prev.length === eps.length && prev.every((e, i) => sameEndpoint(e, eps[i]!))) return false;
    if (eps.length === 0 && !this.deps.has(id) && !this.withReplicas.has(id)) {
      this.eps.delete(id);
      return prev !== undefined;
    }
    this.eps.set(id, eps);
    return true;
  }
}

/** Adds to `into` the id of every record of `read` that `had` lacks or holds otherwise, and of every one gone. */
function markChanged<T extends { id: string }>(
  had: ReadonlyMap<string, T>,
  read: readonly T[],
  into: Set<string>,
  same: (a: T, b: T) => boolean,
): void {
  const ids = new Set<string>();
  for (const r of read) {
    ids.add(r.id);
    const prev = had.get(r.id);
    if (!prev || !same(prev, r)) into.add(r.id);
  }
  for (const id of had.keys()) if (!ids.has(id)) into.add(id);
}

function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return a.replica === b.replica && a.host === b.host && a.port === b.port && a.node === b.node;
}
