/**
 * Connection draining. Open connections are tracked per upstream target; when a target leaves the endpoint set,
 * its connections keep running (no new ones are sent to it) for at most the drain grace, then are closed. A target
 * that comes back within the grace (a readiness flap) keeps its connections.
 */
import type { Socket } from "node:net";

/** One proxied connection: both of its sockets. */
export interface Conn {
  client: Socket;
  upstream: Socket;
}

/** Tracks connections by target key and closes those of departed targets after `graceMs`. */
export class ConnectionTable {
  private readonly byKey = new Map<string, Set<Conn>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly graceMs: number,
    private readonly onExpire: (key: string, closed: number) => void = () => {},
  ) {}

  /** Records a connection to `key`; returns the function that forgets it. */
  track(key: string, conn: Conn): () => void {
    let set = this.byKey.get(key);
    if (!set) this.byKey.set(key, (set = new Set()));
    set.add(conn);
    return () => {
      set.delete(conn);
      if (set.size === 0 && this.byKey.get(key) === set) {
        this.byKey.delete(key);
        this.cancel(key);
      }
    };
  }

  /** Open connections to `key`. */
  count(key: string): number {
    return this.byKey.get(key)?.size ?? 0;
  }

  /** Keys with open connections. */
  keys(): string[] {
    return [...this.byKey.keys()];
  }

  /** Starts the grace for every key not in `live` that has connections; cancels it for keys back in `live`. */
  retain(live: ReadonlySet<string>): void {
    for (const key of this.byKey.keys()) {
      if (live.has(key)) this.cancel(key);
      else this.drain(key);
    }
  }

  /** Starts the grace for every key (the listener is going away). */
  drainAll(): void {
    for (const key of this.byKey.keys()) this.drain(key);
  }

  /** Closes everything now and stops every timer. */
  destroyAll(): void {
    for (const key of [...this.byKey.keys()]) this.expire(key);
  }

  private drain(key: string): void {
    if (this.timers.has(key)) return;
    const t = setTimeout(() => this.expire(key), this.graceMs);
    t.unref();
    this.timers.set(key, t);
  }

  private cancel(key: string): void {
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
  }

  private expire(key: string): void {
    this.cancel(key);
    const set = this.byKey.get(key);
    this.byKey.delete(key);
    if (!set) return;
    for (const c of set) {
      c.client.destroy();
      c.upstream.destroy();
    }
    this.onExpire(key, set.size);
  }
}
