/**
 * The scheduler's view of every node's free capacity, kept between passes instead of re-summed from every replica
 * on every pass: updated by the scheduler's own placements and by re-reading only the nodes a hint named (node
 * Ready/NotReady/cordoned, a replica removed from it) or a refused bind showed stale. Two safety nets, at fixed
 * periods that do not grow with the number of passes: every `recheckMs` each node's record and its count of bound
 * replicas (one SCARD) are compared with the view, and a node that differs is re-read (a lost hint costs at most
 * that period); every `rebuildMs` everything is re-read, every replica included (the cost that grows with the
 * cluster, so it is rare).
 */
import { sameNodeRecord } from "@tug/contracts";
import type { StateStore } from "@tug/state";
import { emptyView, nodeViews, place } from "./plan.js";
import type { NodeView } from "./types.js";

/** Default period of the full re-read, every replica included (ms). */
export const CAPACITY_REBUILD_MS = 300_000;

/** The store reads the index needs. */
export type IndexStore = Pick<StateStore, "nodes" | "replicas" | "node" | "replicasOfNode" | "replicaCountsOfNodes">;

/** Node id → view, current as of the last `current()`. */
export class CapacityIndex {
  private views = new Map<string, NodeView>();
  private builtAt = -Infinity;
  private checkedAt = -Infinity;
  private dirty = new Set<string>();
  private updating: Promise<void> | undefined;

  /** `rebuildMs`: period of the full re-read; `recheckMs`: of the comparison of node records and counts. */
  constructor(
    private readonly store: IndexStore,
    private readonly rebuildMs: number,
    private readonly recheckMs = Math.min(rebuildMs, 30_000),
  ) {}

  /** The node's view may be stale (it changed, or a bind to it was refused): re-read it before the next plan. */
  markDirty(node: string): void {
    this.dirty.add(node);
  }

  /** Everything may be stale: rebuild before the next plan. */
  invalidate(): void {
    this.builtAt = -Infinity;
  }

  /** How many nodes the index holds. */
  get size(): number {
    return this.views.size;
  }

  /**
   * The views: rebuilt when older than the period, else with dirty nodes re-read (the planner updates them). One
   * update at a time: a caller waits for the one in flight, then runs its own (which finds little left to do).
   */
  async current(now = Date.now()): Promise<Map<string, NodeView>> {
    while (this.updating) await this.updating.catch(() => {});
    this.updating = this.update(now);
    try {
      await this.updating;
    } finally {
      this.updating = undefined;
    }
    return this.views;
  }

  private async update(now: number): Promise<void> {
    if (now - this.builtAt >= this.rebuildMs) {
      this.dirty.clear();
      const [nodes, replicas] = await Promise.all([this.store.nodes(), this.store.replicas()]);
      this.views = nodeViews(
        nodes,
        replicas.filter((r) => r.node !== null),
      );
      this.builtAt = now;
      this.checkedAt = now;
      return;
    }
    if (now - this.checkedAt >= this.recheckMs) await this.recheck(now);
    const stale = [...this.dirty];
    this.dirty.clear();
    try {
      await Promise.all(stale.map((id) => this.reread(id)));
    } catch (err) {
      for (const id of stale) this.dirty.add(id);
      throw err;
    }
  }

  /**
   * Rechecks now if the last check is `recheckMs` old (also between passes: parked replicas wait for what it finds);
   * returns whether a node differs from its view.
   */
  async recheckIfDue(now = Date.now()): Promise<boolean> {
    if (now - this.checkedAt < this.recheckMs || this.builtAt === -Infinity) return false;
    while (this.updating) await this.updating.catch(() => {});
    await this.recheck(now);
    return this.dirty.size > 0;
  }

  /** Marks dirty every node whose record (but for its heartbeat) or count of bound replicas differs from its view. */
  private async recheck(now: number): Promise<void> {
    const nodes = await this.store.nodes();
    const counts = await this.store.replicaCountsOfNodes(nodes.map((n) => n.id));
    this.checkedAt = now;
    const ids = new Set<string>();
    nodes.forEach((n, i) => {
      ids.add(n.id);
      const v = this.views.get(n.id);
      if (!v || v.total !== counts[i] || !sameNodeRecord(v.node, n)) this.dirty.add(n.id);
    });
    for (const id of this.views.keys()) if (!ids.has(id)) this.dirty.add(id);
  }

  private async reread(id: string): Promise<void> {
    const [node, replicas] = await Promise.all([this.store.node(id), this.store.replicasOfNode(id)]);
    if (!node) {
      this.views.delete(id);
      return;
    }
    const v = emptyView(node);
    for (const r of replicas) if (r.node === id) place(v, r);
    this.views.set(id, v);
  }
}
