/** Per-service traffic figures: Prometheus metrics plus the snapshot published to the autoscaler. */
import { Counter, Gauge, type Registry } from "prom-client";

/** One service's figures as published on `proxy.metrics`. */
export interface ServiceFigure {
  id: string;
  /** New connections per second since the previous snapshot. */
  rps: number;
  /** Connections open now. */
  connections: number;
}

/** One service's running totals and its metric children (labels resolved once, not per connection). */
interface Totals {
  accepted: number;
  open: number;
  acceptedC: { inc(): void };
  openG: { inc(): void; dec(): void };
  bytesIn: { inc(n: number): void };
  bytesOut: { inc(n: number): void };
}

/** Counts connections, bytes and failures per service. */
export class ProxyStats {
  private readonly accepted: Counter;
  private readonly open: Gauge;
  private readonly bytes: Counter;
  private readonly failures: Counter;
  private readonly targets: Gauge;
  private readonly totals = new Map<string, Totals>();
  private lastAccepted = new Map<string, number>();
  private lastAt = Date.now();

  constructor(registry?: Registry) {
    const registers = registry ? [registry] : [];
    this.accepted = new Counter({
      name: "tug_proxy_connections_total",
      help: "connections accepted",
      labelNames: ["service"],
      registers,
    });
    this.open = new Gauge({
      name: "tug_proxy_open_connections",
      help: "connections open now",
      labelNames: ["service"],
      registers,
    });
    this.bytes = new Counter({
      name: "tug_proxy_bytes_total",
      help: "bytes relayed",
      labelNames: ["service", "direction"],
      registers,
    });
    this.failures = new Counter({
      name: "tug_proxy_upstream_failures_total",
      help: "connections dropped: no endpoint answered",
      labelNames: ["service"],
      registers,
    });
    this.targets = new Gauge({
      name: "tug_proxy_endpoints",
      help: "ready endpoints a published port balances over",
      labelNames: ["service", "port"],
      registers,
    });
  }

  /** The listener on `port` of `service` now balances over `count` endpoints; -1 = it stopped listening. */
  endpoints(service: string, port: number, count: number): void {
    if (count < 0) this.targets.remove({ service, port: String(port) });
    else this.targets.set({ service, port: String(port) }, count);
  }

  private entry(service: string): Totals {
    let e = this.totals.get(service);
    if (!e) {
      e = {
        accepted: 0,
        open: 0,
        acceptedC: this.accepted.labels(service),
        openG: this.open.labels(service),
        bytesIn: this.bytes.labels(service, "in"),
        bytesOut: this.bytes.labels(service, "out"),
      };
      this.totals.set(service, e);
    }
    return e;
  }

  /** A client connected. */
  opened(service: string): void {
    const e = this.entry(service);
    e.accepted++;
    e.open++;
    e.acceptedC.inc();
    e.openG.inc();
  }

  /** A client connection ended after relaying `bytesIn` (client → upstream) and `bytesOut`. */
  closed(service: string, bytesIn: number, bytesOut: number): void {
    const e = this.entry(service);
    e.open--;
    e.openG.dec();
    if (bytesIn) e.bytesIn.inc(bytesIn);
    if (bytesOut) e.bytesOut.inc(bytesOut);
  }

  /** No endpoint accepted the connection. */
  failed(service: string): void {
    this.failures.inc({ service });
  }

  /** Figures since the previous call (rps = new connections per second). */
  snapshot(now = Date.now()): ServiceFigure[] {
    const secs = Math.max(0.001, (now - this.lastAt) / 1000);
    const figures = [...this.totals].map(([id, e]) => ({
      id,
      rps: (e.accepted - (this.lastAccepted.get(id) ?? 0)) / secs,
      connections: e.open,
    }));
    this.lastAccepted = new Map([...this.totals].map(([id, e]) => [id, e.accepted]));
    this.lastAt = now;
    return figures;
  }
}
