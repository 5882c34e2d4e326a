/** The proxy's listener set: opens, updates and closes per-port listeners to match the route table. */
import type { Logger } from "@tug/log";
import { ServiceListener } from "./listener.js";
import type { Route } from "./routes.js";
import type { ProxyStats } from "./stats.js";

/** Owns every listener; `apply` is idempotent and level-triggered. */
export class Proxy {
  private readonly listeners = new Map<number, ServiceListener>();
  private readonly starting = new Map<number, Promise<void>>();

  constructor(private readonly stats: ProxyStats, private readonly log: Logger, private readonly host = "127.0.0.1") {}

  /** Ports listened on now, with their service. */
  ports(): Map<number, string> {
    return new Map([...this.listeners].map(([p, l]) => [p, l.service]));
  }

  /** Makes the listeners match `routes`: new ports are opened, gone ports closed, endpoint sets refreshed. */
  async apply(routes: readonly Route[]): Promise<void> {
    const wanted = new Map(routes.map((r) => [r.port, r]));
    for (const [port, l] of this.listeners) {
      if (wanted.get(port)?.service !== l.service) {
        l.close();
        this.listeners.delete(port);
        this.log.info({ port, service: l.service }, "stopped listening");
      }
    }
    await Promise.all(routes.map((r) => this.ensure(r)));
  }

  private async ensure(r: Route): Promise<void> {
    const existing = this.listeners.get(r.port);
    if (existing) {
      existing.setTargets(r.targets);
      return;
    }
    if (this.starting.has(r.port)) return this.starting.get(r.port);
    const l = new ServiceListener(r.port, r.service, this.stats, this.log, this.host);
    l.setTargets(r.targets);
    const p = l.listen().then(
      () => {
        this.listeners.set(r.port, l);
        this.log.info({ port: r.port, service: r.service, endpoints: r.targets.length }, "listening");
      },
      (err) => this.log.warn({ port: r.port, service: r.service, err: String(err) }, "cannot listen; will retry"),
    ).finally(() => this.starting.delete(r.port));
    this.starting.set(r.port, p);
    return p;
  }

  /** Closes every listener and cuts open connections. */
  close(): void {
    for (const l of this.listeners.values()) l.close(true);
    this.listeners.clear();
  }
}
