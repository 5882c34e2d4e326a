/** Balancing policies over a changing set of upstream targets: the shared interface and round robin. */

/** One upstream the proxy may connect to. `key` identifies it across refreshes (the replica id). */
export interface Target {
  key: string;
  host: string;
  port: number;
}

/** Policies a published port may choose (`ports[].balance` in the manifest). */
export type BalanceKind = "round-robin" | "least-conn";

/** Chooses the target of each new connection. */
export interface Balancer {
  readonly kind: BalanceKind;
  /** How many targets there are. */
  readonly size: number;
  /** Replaces the target set. */
  update(targets: readonly Target[]): void;
  /** The target for the next connection, skipping keys in `exclude` (already tried); undefined when none is left. */
  next(exclude?: ReadonlySet<string>): Target | undefined;
  /** A connection to `key` was established. */
  opened(key: string): void;
  /** A connection to `key` ended. */
  closed(key: string): void;
}

/** Sorts by key so every refresh sees the same order. */
export function byKey(targets: readonly Target[]): Target[] {
  return [...targets].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Round robin; a refresh keeps the turn position, so the spread stays even across updates. */
export class RoundRobin implements Balancer {
  readonly kind = "round-robin" as const;
  private targets: Target[] = [];
  private cursor = 0;

  update(targets: readonly Target[]): void {
    this.targets = byKey(targets);
    this.cursor = this.targets.length === 0 ? 0 : this.cursor % this.targets.length;
  }

  get size(): number {
    return this.targets.length;
  }

  next(exclude: ReadonlySet<string> = new Set()): Target | undefined {
    const n = this.targets.length;
    for (let i = 0; i < n; i++) {
      const t = this.targets[this.cursor]!;
      this.cursor = (this.cursor + 1) % n;
      if (!exclude.has(t.key)) return t;
    }
    return undefined;
  }

  opened(): void {}
  closed(): void {}
}
