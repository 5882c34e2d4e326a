/** Pure round-robin choice over a changing set of upstream targets. */

/** One upstream the proxy may connect to. `key` identifies it across refreshes (the replica id). */
export interface Target {
  key: string;
  host: string;
  port: number;
}

/** Round robin over targets; a refresh keeps the turn position, so the spread stays even across updates. */
export class RoundRobin {
  private targets: Target[] = [];
  private cursor = 0;

  /** Replaces the target set (sorted by key so every refresh sees the same order). */
  update(targets: readonly Target[]): void {
    this.targets = [...targets].sort((a, b) => a.key.localeCompare(b.key));
    this.cursor = this.targets.length === 0 ? 0 : this.cursor % this.targets.length;
  }

  /** How many targets there are. */
  get size(): number {
    return this.targets.length;
  }

  /** The next target in turn, skipping keys in `exclude` (targets already tried); undefined when none is left. */
  next(exclude: ReadonlySet<string> = new Set()): Target | undefined {
    const n = this.targets.length;
    for (let i = 0; i < n; i++) {
      const t = this.targets[this.cursor]!;
      this.cursor = (this.cursor + 1) % n;
      if (!exclude.has(t.key)) return t;
    }
    return undefined;
  }
}
