/**
 * The scheduler's view of every node's free capacity, kept between passes instead of re-summed from every replica
 * on every pass: rebuilt from the store at a fixed period (the safety net; it does not grow with the number of
 * passes), and in between updated by the scheduler's own placements and by re-reading only the nodes a hint named
 * (node Ready/NotReady/cordoned, a replica removed from it) or a refused bind showed stale.
 */
import type { StateStore } from "@tug/state";
import { emptyView, nodeViews, place } from "./plan.js";
import type { NodeView } from "./types.js";

/** The store reads the index needs. */
export type IndexStore = Pick<StateStore, "nodes" | "replicas" | "node" | "replicasOfNode">;

/** Node id → view, current as of the last `current()`. */
export class CapacityIndex {
  private views = new Map<string, NodeView>();
  private builtAt = -Infinity;
  private dirty = new Set<string>();

  /** `rebuildMs`: period of the full re-read. */
  constructor(
    private readonly store: IndexStore,
    private readonly rebuildMs: number,
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

  /** The views: rebuilt when older than the period, else with dirty nodes re-read (the planner updates them). */
  async current(now = Date.now()): Promise<Map<string, NodeView>> {
    if (now - this.builtAt >= this.rebuildMs) {
      this.dirty.clear();
      const [nodes, replicas] = await Promise.all([this.store.nodes(), this.store.replicas()]);
      this.views = nodeViews(
        nodes,
        replicas.filter((r) => r.node !== null),
      );
      this.builtAt = now;
      return this.views;
    }
    const stale = [...this.dirty];
    this.dirty.clear();
    try {
      await Promise.all(stale.map((id) => this.reread(id)));
    } catch (err) {
      for (const id of stale) this.dirty.add(id);
      throw err;
    }
    return this.views;
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
