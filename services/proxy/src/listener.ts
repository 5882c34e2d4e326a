/**
 * One published port: a TCP listener on loopback that balances new connections over a service's endpoints and
 * drains the connections of endpoints that leave (see drain.ts).
 */
import { createServer, type Server, type Socket } from "node:net";
import type { Logger } from "@tug/log";
import type { Balancer, BalanceKind, Target } from "./balancer.js";
import { createBalancer } from "./balancers.js";
import { ConnectionTable } from "./drain.js";
import { ClientBytes, firstAnswer } from "./first-answer.js";
import { dialAny, MAX_ATTEMPTS, splice } from "./splice.js";
import type { ProxyStats } from "./stats.js";

/** What a listener needs to know. */
export interface ListenerOptions {
  port: number;
  /** Deployment id `ns/name`. */
  service: string;
  stats: ProxyStats;
  log: Logger;
  host?: string;
  /** How long connections to a departed endpoint (or a closed listener) may run on; then they are closed. */
  drainMs: number;
  balance?: BalanceKind;
}

/** A listener for one service on one port. */
export class ServiceListener {
  readonly port: number;
  readonly service: string;
  private balancerNow: Balancer;
  private targets: readonly Target[] = [];
  private readonly server: Server;
  private readonly conns: ConnectionTable;
  private readonly pending = new Set<Socket>();
  /** Upstreams that have not answered yet, with their endpoint and what the client sent (see `setTargets`). */
  private readonly awaiting = new Map<Socket, { key: string; sent: ClientBytes }>();

  constructor(private readonly o: ListenerOptions) {
    this.port = o.port;
    this.service = o.service;
    this.balancerNow = createBalancer(o.balance ?? "round-robin");
    this.conns = new ConnectionTable(o.drainMs, (key, closed) =>
      o.log.info({ port: o.port, service: o.service, endpoint: key, closed }, "drain grace over; closed connections"),
    );
    this.server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (client) => void this.handle(client));
    this.server.on("error", (err) =>
      o.log.warn({ port: o.port, service: o.service, err: String(err) }, "listener error"),
    );
  }

  /** The current balancer (tests and diagnostics). */
  get balancer(): Balancer {
    return this.balancerNow;
  }

  /** Open connections to endpoint `key`. */
  connections(key: string): number {
    return this.conns.count(key);
  }

  /** Starts listening; rejects when the port cannot be bound. */
  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.port, this.o.host ?? "127.0.0.1", () => {
        this.server.off("error", reject);
        resolve();
      });
    });
  }

  /**
   * Replaces the endpoint set (and the policy, when it changed). Only new connections see the change; open
   * connections to endpoints that left start their drain grace.
   */
  setTargets(targets: readonly Target[], balance: BalanceKind = this.balancerNow.kind): void {
    if (balance !== this.balancerNow.kind) {
      const next = createBalancer(balance);
      for (const key of this.conns.keys()) for (let i = 0; i < this.conns.count(key); i++) next.opened(key);
      this.balancerNow = next;
    }
    this.targets = targets;
    this.balancerNow.update(targets);
    const live = new Set(targets.map((t) => t.key));
    this.conns.retain(live);
    // An endpoint that left (unready, retired) and has not answered an idempotent request yet may never answer it (a
    // stalled copy is what failed its probe): send the request to a ready endpoint instead of waiting for the grace.
    for (const [upstream, a] of this.awaiting) if (!live.has(a.key) && a.sent.replayable) upstream.destroy();
  }

  /**
   * Stops accepting. Open connections drain (closed after the grace); with `destroy` they are cut at once
   * (process shutdown).
   */
  close(destroy = false): void {
    this.server.close();
    for (const s of this.pending) if (destroy) s.destroy();
    if (destroy) this.conns.destroyAll();
    else this.conns.drainAll();
  }

  /**
   * One client connection: dial an endpoint, wait for its first byte (replaying the client's bytes on the next
   * endpoint when one closes without a word, see first-answer.ts), then splice the two until both are closed.
   */
  private async handle(client: Socket): Promise<void> {
    this.pending.add(client);
    this.o.stats.opened(this.service);
    client.on("error", () => {});
    let bytesIn = 0;
    let bytesOut = 0;
    const balancer = this.balancerNow;
    const tried = new Set<string>();
    const sent = new ClientBytes();
    const accepted = Date.now();
    const unanswered = (msg: string, endpoint?: string) =>
      this.o.log.debug(
        { port: this.port, service: this.service, endpoint, attempts: tried.size, waitedMs: Date.now() - accepted },
        msg,
      );
    try {
      for (;;) {
        const picked = await dialAny(balancer, MAX_ATTEMPTS - tried.size, undefined, tried);
        if (!picked || client.destroyed) {
          picked?.socket.destroy();
          if (picked) balancer.closed(picked.target.key);
          if (!picked) {
            this.o.stats.failed(this.service);
            unanswered("no endpoint to connect to");
          }
          client.destroy();
          return;
        }
        const { socket: upstream, target } = picked;
        this.pending.delete(client);
        const forget = this.conns.track(target.key, { client, upstream });
        if (!this.targets.some((t) => t.key === target.key)) this.conns.retain(new Set(this.targets.map((t) => t.key)));
        let spliced = false;
        try {
          sent.replayTo(upstream);
          this.awaiting.set(upstream, { key: target.key, sent });
          const answer = await firstAnswer(client, upstream, sent).finally(() => this.awaiting.delete(upstream));
          if (answer.kind === "answered") {
            sent.drop();
            client.write(answer.first);
            spliced = true;
            await splice(client, upstream);
          } else upstream.destroy();
          if (answer.kind === "client-gone") {
            unanswered("client left before the endpoint answered", target.key);
            return;
          }
        } finally {
          forget();
          balancer.closed(target.key);
          bytesIn += upstream.bytesWritten;
          bytesOut = client.bytesWritten;
        }
        if (spliced) return;
        // the upstream closed without a word: try the next endpoint when the bytes are safe to send again
        unanswered("endpoint closed without answering", target.key);
        if (!sent.replayable || tried.size >= MAX_ATTEMPTS) {
          this.o.stats.failed(this.service);
          client.destroy();
          return;
        }
        this.pending.add(client);
      }
    } finally {
      this.pending.delete(client);
      this.o.stats.closed(this.service, bytesIn, bytesOut);
    }
  }
}
