/** One published port: a TCP listener on loopback that balances new connections over a service's endpoints. */
import { createServer, type Server, type Socket } from "node:net";
import type { Logger } from "@tug/log";
import { RoundRobin, type Target } from "./balancer.js";
import { dialAny, splice } from "./splice.js";
import type { ProxyStats } from "./stats.js";

/** A listener for one service on one port. Closing it stops accepting; open connections run until they end. */
export class ServiceListener {
  readonly balancer = new RoundRobin();
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(readonly port: number, readonly service: string, private readonly stats: ProxyStats, private readonly log: Logger, private readonly host = "127.0.0.1") {
    this.server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (client) => void this.handle(client));
    this.server.on("error", (err) => this.log.warn({ port, service, err: String(err) }, "listener error"));
  }

  /** Starts listening; rejects when the port cannot be bound. */
  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.port, this.host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
  }

  /** Replaces the endpoint set; only new connections see the change. */
  setTargets(targets: readonly Target[]): void {
    this.balancer.update(targets);
  }

  /** Stops accepting. With `destroy`, open connections are cut too (process shutdown). */
  close(destroy = false): void {
    this.server.close();
    if (destroy) for (const s of this.sockets) s.destroy();
  }

  private async handle(client: Socket): Promise<void> {
    this.sockets.add(client);
    this.stats.opened(this.service);
    client.on("error", () => {});
    let bytesIn = 0;
    let bytesOut = 0;
    try {
      const upstream = await dialAny(this.balancer);
      if (!upstream) {
        this.stats.failed(this.service);
        client.destroy();
        return;
      }
      this.sockets.add(upstream);
      if (client.destroyed) {
        upstream.destroy();
      } else {
        client.resume();
        await splice(client, upstream);
      }
      this.sockets.delete(upstream);
      bytesIn = upstream.bytesWritten;
      bytesOut = client.bytesWritten;
    } finally {
      this.sockets.delete(client);
      this.stats.closed(this.service, bytesIn, bytesOut);
    }
  }
}
