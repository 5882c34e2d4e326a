/** Least-connections balancing: each new connection goes to the target with the fewest open ones. */
import { type Balancer, byKey, type Target } from "./balancer.js";

/**
 * Picks the target with the fewest open connections; ties rotate (round robin among equals), so an idle service
 * still spreads evenly. Counts survive refreshes, and a target that leaves keeps its count until its connections end.
 */
export class LeastConnections implements Balancer {
  readonly kind = "least-conn" as const;
  private targets: Target[] = [];
  private readonly open = new Map<string, number>();
  private cursor = 0;

  update(targets: readonly Target[]): void {
    this.targets = byKey(targets);
    const keys = new Set(this.targets.map((t) => t.key));
    for (const [k, n] of this.open) if (n <= 0 && !keys.has(k)) this.open.delete(k);
  }

  get size(): number {
    return this.targets.length;
  }

  next(exclude: ReadonlySet<string> = new Set()): Target | undefined {
    const n = this.targets.length;
    let best: Target | undefined;
    let bestOpen = Infinity;
    let bestAt = 0;
    for (let i = 0; i < n; i++) {
      const at = (this.cursor + i) % n;
      const t = this.targets[at]!;
      const c = this.open.get(t.key) ?? 0;
      if (!exclude.has(t.key) && c < bestOpen) {
        best = t;
        bestOpen = c;
        bestAt = at;
      }
    }
    if (best) this.cursor = (bestAt + 1) % n;
    return best;
  }

  /** Open connections of `key` now (tests and diagnostics). */
  connections(key: string): number {
    return this.open.get(key) ?? 0;
  }

  opened(key: string): void {
    this.open.set(key, (this.open.get(key) ?? 0) + 1);
  }

  closed(key: string): void {
    const n = (this.open.get(key) ?? 0) - 1;
    if (n > 0 || this.targets.some((t) => t.key === key)) this.open.set(key, Math.max(0, n));
    else this.open.delete(key);
  }
}
