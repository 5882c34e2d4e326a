/** Client-side round robin over a service's endpoints (feed it from `watch`). */
import type { ServiceEndpoint } from "./view.js";

/** Picks endpoints in turn; `update` keeps the turn so the spread stays even across changes. */
export class RoundRobinPicker {
  private endpoints: ServiceEndpoint[] = [];
  private turn = 0;

  constructor(endpoints: readonly ServiceEndpoint[] = []) {
    this.update(endpoints);
  }

  /** Replaces the endpoint set (kept in replica order so every update sees the same sequence). */
  update(endpoints: readonly ServiceEndpoint[]): void {
    this.endpoints = [...endpoints].sort((a, b) => (a.replica < b.replica ? -1 : a.replica > b.replica ? 1 : 0));
    this.turn = this.endpoints.length ? this.turn % this.endpoints.length : 0;
  }

  /** How many endpoints there are. */
  get size(): number {
    return this.endpoints.length;
  }

  /** The next endpoint, or undefined when there is none. */
  next(): ServiceEndpoint | undefined {
    if (this.endpoints.length === 0) return undefined;
    const e = this.endpoints[this.turn]!;
    this.turn = (this.turn + 1) % this.endpoints.length;
    return e;
  }
}
