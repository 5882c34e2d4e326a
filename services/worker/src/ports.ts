/**
 * Host ports for replicas: one free port per replica from this worker's range, checked bindable on the node address.
 */
import { createServer } from "node:net";

/** Size of every worker's port range. */
export const PORT_RANGE_SIZE = 1000;

/** True when a TCP listener can bind `host`:`port` right now (default 127.0.0.1). */
export function canBind(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen({ port, host, exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/** Hands out ports from `[from, from + size)`, round-robin so a just-released port is not reused at once. */
export class PortAllocator {
  private readonly used = new Set<number>();
  private cursor = 0;

  constructor(
    readonly from: number,
    readonly size = PORT_RANGE_SIZE,
    private readonly bindable: (port: number) => Promise<boolean> = canBind,
  ) {}

  /** A free, bindable port, marked used. Throws when the whole range is taken. */
  async allocate(): Promise<number> {
    for (let i = 0; i < this.size; i++) {
      const port = this.from + ((this.cursor + i) % this.size);
      if (this.used.has(port)) continue;
      this.used.add(port);
      if (await this.bindable(port)) {
        this.cursor = (port - this.from + 1) % this.size;
        return port;
      }
      this.used.delete(port);
    }
    throw new Error(`no free port in ${this.from}-${this.from + this.size - 1}`);
  }

  /** Marks a port used (an adopted replica already holds it). */
  reserve(port: number): void {
    this.used.add(port);
  }

  /** Returns a port to the pool. */
  release(port: number): void {
    this.used.delete(port);
  }

  /** Ports in use. */
  get inUse(): number {
    return this.used.size;
  }
}
