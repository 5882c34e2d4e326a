/**
 * The NATS side of every process: one connection, typed publish / request / subscribe / serve over the
 * contracts' envelope and codec. Handlers never crash the process: bad messages are logged, counted and,
 * for requests, answered with a structured error.
 */
import { connect, headers, type Msg, type NatsConnection, type Subscription } from "@nats-io/transport-node";
import {
  type ContentType,
  decode,
  encode,
  type Envelope,
  envelope,
  handlingRequest,
  isEnvelopeLike,
  openEnvelope,
  requestExpired,
  toTugError,
  TugError,
  type ErrorBody,
} from "@tug/contracts";
import type { Logger } from "@tug/log";
import { Counter, Histogram, type Registry } from "prom-client";
import { performance } from "node:perf_hooks";
import { natsAuthOptions, natsCredsFromEnv, type NatsCreds } from "./creds.js";
import { Gate } from "@tug/runtime";

export interface BusOptions {
  /** A NATS URL, or a comma-separated list of a cluster's servers (tried in random order, failed over among). */
  url: string;
  /** Who we are, for envelopes and the connection name (e.g. `controller/abc123`). */
  name: string;
  log: Logger;
  metrics?: Registry;
  /**
   * The identity's NATS credentials. Default: the file `TUG_NATS_CREDS` names, or none when it is unset (a server
   * without authorization). A bad file throws NATS_CREDS_INVALID before connecting.
   */
  creds?: NatsCreds;
  /**
   * Publishes made within one turn of the event loop leave in one socket write (sent at `setImmediate`), not one
   * write each: for a process that hosts thousands of hollow nodes, whose timers each publish one beat. Their order
   * is kept among themselves, not relative to requests.
   */
  coalescePublishes?: boolean;
}

/** Handler of a request; its return value is the reply. Throwing a TugError replies with that error. */
export type RequestHandler = (body: unknown, env: Envelope | undefined, subject: string) => Promise<unknown>;
/** Handler of a published message (already unwrapped from a validated envelope). */
export type MessageHandler = (env: Envelope, subject: string) => void | Promise<void>;

/** How a subscription takes its messages. */
export interface HandlerOptions {
  /** NATS queue group: each message goes to one member. */
  queue?: string;
  /**
   * At most this many handlers in flight; later messages wait in arrival order (default: no bound). A request that
   * waited longer than its sender does (the envelope's `ttlMs`) is not handled: it gets a TIMEOUT answer at once.
   */
  concurrency?: number;
}

/**
 * The content type of a reply: JSON to a request that declared `content-type: application/json`, or sent JSON bytes
 * with no content type (as `nats req subject '{…}'` does); msgpack otherwise.
 */
export function replyType(declared: string | undefined, data: Uint8Array): ContentType {
  const json = declared === undefined ? data[0] === 0x7b || data[0] === 0x5b : declared.startsWith("application/json");
  return json ? "application/json" : "application/msgpack";
}

/**
 * Seconds from a request's `sentAt` (the sender's wall clock) to its handler's start: the transport, this process's
 * event loop and the handler queue. Clock skew between hosts can make it negative; that reads as 0.
 */
function waitedSeconds(sentAt: number, startedAt: number): number {
  const startedWall = Date.now() - (performance.now() - startedAt);
  return Math.max(0, startedWall - sentAt) / 1000;
}

/** A connected bus. */
export class Bus {
  private readonly rejected: Counter;
  private readonly expired: Counter;
  private readonly served: Histogram;
  /** Publishes waiting for this turn's write (coalescePublishes). */
  private batch: Array<[string, Uint8Array]> | undefined;
  private isConnected = true;
  private readonly reconnectListeners = new Set<() => void>();
  private constructor(
    readonly nc: NatsConnection,
    private readonly o: BusOptions,
  ) {
    this.rejected = new Counter({
      name: "tug_bus_rejected_total",
      help: "bus messages rejected as invalid",
      labelNames: ["reason"],
      registers: o.metrics ? [o.metrics] : [],
    });
    this.expired = new Counter({
      name: "tug_bus_requests_expired_total",
      help: "requests not handled (answered TIMEOUT): they waited for a handler longer than their sender waits",
      registers: o.metrics ? [o.metrics] : [],
    });
    this.served = new Histogram({
      name: "tug_bus_request_seconds",
      help: "requests served: wait = sent (the sender's clock) to handler start, handle = handler start to reply",
      labelNames: ["subject", "phase"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: o.metrics ? [o.metrics] : [],
    });
  }

  /** Connects (waiting for the server if it is not up yet) with endless reconnects. */
  static async connect(o: BusOptions): Promise<Bus> {
    const servers = o.url
      .split(",")
      .map((u) => u.trim())
      .filter(Boolean);
    const nc = await connect({
      servers,
      name: o.name,
      ...natsAuthOptions(o.creds ?? natsCredsFromEnv()),
      waitOnFirstConnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      pingInterval: 5_000,
      maxPingOut: 3,
    });
    const bus = new Bus(nc, o);
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === "disconnect") bus.isConnected = false;
        if (s.type === "reconnect") bus.isConnected = true;
        if (s.type === "disconnect" || s.type === "reconnect") o.log.warn({ status: s.type }, "nats connection status");
        if (s.type === "reconnect")
          for (const f of bus.reconnectListeners)
            try {
              f();
            } catch {
              /* a listener never breaks the loop */
            }
      }
    })().catch(() => {});
    return bus;
  }

  /** True while connected to a server (for /healthz). */
  get connected(): boolean {
    return this.isConnected && !this.nc.isClosed();
  }

  /** Calls `listener` after every reconnect (subscriptions are restored by then); returns the unsubscribe. */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  /** Publishes `body` in an envelope of `kind`. Never throws (a closed connection is logged). */
  publish(subject: string, kind: string, body: unknown): void {
    let data: Uint8Array;
    try {
      data = encode(envelope(kind, this.o.name, body));
    } catch (err) {
      this.o.log.debug({ subject, err: String(err) }, "publish failed");
      return;
    }
    if (!this.o.coalescePublishes) return this.send(subject, data);
    if (!this.batch) {
      this.batch = [];
      setImmediate(() => {
        const batch = this.batch ?? [];
        this.batch = undefined;
        for (const [s, d] of batch) this.send(s, d);
      });
    }
    this.batch.push([subject, data]);
  }

  private send(subject: string, data: Uint8Array): void {
    try {
      this.nc.publish(subject, data);
    } catch (err) {
      this.o.log.debug({ subject, err: String(err) }, "publish failed");
    }
  }

  /** Sends a request and returns the decoded reply. Errors replies are thrown as TugError. */
  async request<T = unknown>(subject: string, kind: string, body: unknown, timeoutMs = 5_000): Promise<T> {
    let msg: Msg;
    try {
      const req = encode(envelope(kind, this.o.name, body, timeoutMs));
      msg = await this.nc.request(subject, req, { timeout: timeoutMs });
    } catch (err) {
      const m = String((err as Error).message ?? err);
      throw new TugError(/timeout/i.test(m) ? "TIMEOUT" : "BUS_UNAVAILABLE", `${subject}: ${m}`, undefined, {
        cause: err,
      });
    }
    const reply = decode(msg.data) as { ok?: boolean } & Partial<ErrorBody>;
    if (reply && reply.ok === false)
      throw new TugError(reply.code ?? "INTERNAL", reply.message ?? "request failed", reply.field);
    return reply as T;
  }

  /** Subscribes; each message is decoded and its envelope validated before `handler` sees it. */
  subscribe(subject: string, handler: MessageHandler, opts: HandlerOptions = {}): Subscription {
    const gate = opts.concurrency ? new Gate(opts.concurrency) : undefined;
    return this.nc.subscribe(subject, {
      queue: opts.queue,
      callback: (err, msg) => {
        if (err) return;
        let env: Envelope;
        try {
          env = openEnvelope(decode(msg.data, msg.headers?.get("content-type") || undefined));
        } catch (e) {
          this.reject(subject, e);
          return;
        }
        const handle = async () => handler(env, msg.subject);
        (gate ? gate.run(handle) : handle()).catch((e) =>
          this.o.log.warn({ subject: msg.subject, err: String((e as Error)?.message ?? e) }, "message handler failed"),
        );
      },
    });
  }

  /**
   * Serves requests on `subject` (usually in a queue group). Accepts an envelope or a bare body (so any NATS
   * client can send a manifest as JSON or msgpack); every failure is answered as a structured error.
   */
  serve(subject: string, handler: RequestHandler, opts: HandlerOptions = {}): Subscription {
    const gate = opts.concurrency ? new Gate(opts.concurrency) : undefined;
    return this.nc.subscribe(subject, {
      queue: opts.queue,
      callback: (err, msg) => {
        if (err) return;
        const receivedAt = performance.now();
        const answer = () => this.answer(msg, handler, receivedAt, subject);
        void (gate ? gate.run(answer) : answer());
      },
    });
  }

  private async answer(msg: Msg, handler: RequestHandler, receivedAt: number, served: string): Promise<void> {
    let reply: unknown;
    const startedAt = performance.now();
    let handled = false;
    const declared = msg.headers?.get("content-type") || undefined;
    try {
      const raw = decode(msg.data, declared);
      const env = isEnvelopeLike(raw) ? openEnvelope(raw) : undefined;
      if (requestExpired(env?.ttlMs, receivedAt)) {
        // not handled, but answered all the same: nats-server keeps a responder's right to reply (allow_responses)
        // until it is used or expires, and past 4,096 such rights it walks them all at every request it delivers
        this.expired.inc();
        this.o.log.debug({ subject: msg.subject }, "request not handled: its sender stopped waiting while it queued");
        reply = new TugError("TIMEOUT", "the request waited for a handler longer than its sender waits").toBody();
      } else {
        // a write made after the sender gave up could undo its next change (request-expiry.ts)
        if (env) this.served.observe({ subject: served, phase: "wait" }, waitedSeconds(env.sentAt, startedAt));
        handled = true;
        reply = await handlingRequest(env?.ttlMs, () => handler(env ? env.body : raw, env, msg.subject), receivedAt);
      }
    } catch (e) {
      const te = toTugError(e);
      if (te.code === "INTERNAL")
        this.o.log.error({ subject: msg.subject, err: String((e as Error)?.stack ?? e) }, "request handler fault");
      else this.reject(msg.subject, te);
      reply = te.toBody();
    }
    if (handled) this.served.observe({ subject: served, phase: "handle" }, (performance.now() - startedAt) / 1000);
    if (!msg.reply) return;
    try {
      const type = replyType(declared, msg.data);
      const h = headers();
      h.set("content-type", type);
      msg.respond(encode(reply, type), { headers: h });
    } catch (e) {
      this.o.log.debug({ err: String(e) }, "reply failed");
    }
  }

  private reject(subject: string, e: unknown): void {
    const te = toTugError(e);
    this.rejected.inc({ reason: te.code });
    // a request its sender gave up on while it was handled is no fault of the message (thousands in a burst)
    const log = te.code === "TIMEOUT" ? this.o.log.debug.bind(this.o.log) : this.o.log.warn.bind(this.o.log);
    log({ subject, code: te.code, err: te.message }, "rejected bus message");
  }

  /** Flushes and closes the connection. */
  async close(): Promise<void> {
    if (this.nc.isClosed()) return;
    await this.nc.drain().catch(() => this.nc.close());
  }
}
