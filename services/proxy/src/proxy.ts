/** The proxy's listener set: opens, updates and closes per-port listeners to match the route table. */
import type { Logger } from "@tug/log";
import { ServiceListener } from "./listener.js";
import type { Target } from "./balancer.js";
import type { Route } from "./routes.js";
import type { ProxyStats } from "./stats.js";

/** Where listeners bind and how long departing connections may drain. */
export interface ProxyListenOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Drain grace in ms (default 10 s). */
  drainMs?: number;
}

/** Default drain grace of connections to an endpoint that left. */
export const DEFAULT_DRAIN_MS = 10_000;

/** Owns every listener; `apply` is idempotent and level-triggered. */
export class Proxy {
  private readonly listeners = new Map<number, ServiceListener>();
  private readonly starting = new Map<number, Promise<void>>();
  /** The targets array last given to each port's listener (an unchanged array is not re-applied). */
  private readonly applied = new Map<number, readonly Target[]>();

  constructor(
    private readonly stats: ProxyStats,
    private readonly log: Logger,
    private readonly o: ProxyListenOptions = {},
  ) {}

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
        this.applied.delete(port);
        this.stats.endpoints(l.service, port, -1);
        this.log.info({ port, service: l.service }, "stopped listening; open connections drain");
      }
    }
    await Promise.all(routes.map((r) => this.ensure(r)));
  }

  private async ensure(r: Route): Promise<void> {
    const existing = this.listeners.get(r.port);
    if (existing) {
      if (this.applied.get(r.port) === r.targets && existing.balancer.kind === r.balance) return;
      existing.setTargets(r.targets, r.balance);
      this.applied.set(r.port, r.targets);
      this.stats.endpoints(r.service, r.port, r.targets.length);
      return;
    }
    if (this.starting.has(r.port)) return this.starting.get(r.port);
    const l = new ServiceListener({
      port: r.port,
      service: r.service,
      stats: this.stats,
      log: this.log,
      host: this.o.host,
      drainMs: this.o.drainMs ?? DEFAULT_DRAIN_MS,
      balance: r.balance,
    });
    l.setTargets(r.targets, r.balance);
    const p = l
      .listen()
      .then(
        () => {
          this.listeners.set(r.port, l);
          this.log.info(
            { port: r.port, service: r.service, endpoints: r.targets.length, balance: r.balance },
            "listening",
          );
        },
        (err) => this.log.warn({ port: r.port, service: r.service, err: String(err) }, "cannot listen; will retry"),
      )
      .finally(() => this.starting.delete(r.port));
    this.starting.set(r.port, p);
    return p;
  }

  /** The listener on `port` (tests and diagnostics). */
  listener(port: number): ServiceListener | undefined {
    return this.listeners.get(port);
  }

  /** Closes every listener and cuts open connections. */
  close(): void {
    for (const l of this.listeners.values()) l.close(true);
    this.listeners.clear();
  }
}
