/** A tiny listener list shared by the drivers' `onExit`. */
import type { ExitEvent } from "./types.js";

/** Holds exit listeners; a throwing listener never affects the others. */
export class ExitListeners {
  private readonly listeners = new Set<(e: ExitEvent) => void>();

  /** Adds a listener; returns its remover. */
  add(listener: (e: ExitEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls every listener with `e`. */
  emit(e: ExitEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        /* a listener's fault is its own */
      }
    }
  }

  /** Removes every listener. */
  clear(): void {
    this.listeners.clear();
  }
}
