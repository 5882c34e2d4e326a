/**
 * One Server-Sent Events stream of endpoint changes. Resources per connection are bounded: pending changes are a
 * set of service ids (a service that changes twice before it is written is sent once, with its newest state), at
 * most one write waits on the socket at a time (back-pressure through `drain`), and the stream ends after its
 * lifetime or when the server closes.
 */
import type { ServerResponse } from "node:http";
import { TugError } from "@tug/contracts";
import type { ServiceView } from "../views.js";

/** Reads the current view of a service; throws NOT_FOUND once it is gone. */
export type ServiceReader = (id: string) => Promise<ServiceView>;

/** Stream settings. */
export interface SseOptions {
  read: ServiceReader;
  /** Period of `: keepalive` comments, so idle intermediaries keep the connection. */
  keepaliveMs: number;
  /** The stream ends after this long; clients reconnect (EventSource does so by itself). */
  lifetimeMs: number;
  /** Most service ids that may wait to be written; more means the client is far behind and is cut off. */
  maxPending: number;
}

/** Formats one SSE event. */
export function sseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Writes changes of the services it is told about to one HTTP response until it ends. */
export class SseStream {
  private readonly pending = new Set<string>();
  private readonly ended = new AbortController();
  private flushing = false;
  private readonly timers: NodeJS.Timeout[] = [];
  /** Events written so far. */
  sent = 0;

  constructor(
    private readonly res: ServerResponse,
    private readonly o: SseOptions,
  ) {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    res.write(": tugboat endpoint watch\n\n");
    res.once("close", () => this.end());
    this.timers.push(setInterval(() => this.write(": keepalive\n\n"), o.keepaliveMs).unref());
    this.timers.push(setTimeout(() => this.end(), o.lifetimeMs).unref());
  }

  /** Aborts when the stream ends (client gone, lifetime over, server closing). */
  get signal(): AbortSignal {
    return this.ended.signal;
  }

  /** Queues services to send; returns at once. */
  push(ids: Iterable<string>): void {
    if (this.ended.signal.aborted) return;
    for (const id of ids) this.pending.add(id);
    if (this.pending.size > this.o.maxPending) {
      this.write(sseEvent("error", new TugError("TIMEOUT", "the client reads too slowly; reconnect").toBody()));
      this.end();
      return;
    }
    void this.flush();
  }

  /** Ends the response (idempotent). */
  end(): void {
    if (this.ended.signal.aborted) return;
    this.ended.abort();
    for (const t of this.timers) clearTimeout(t);
    this.pending.clear();
    if (!this.res.writableEnded) this.res.end();
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.pending.size > 0 && !this.ended.signal.aborted) {
        const id = this.pending.values().next().value!;
        this.pending.delete(id);
        const text = await this.render(id);
        if (!this.write(text)) await this.drained();
      }
    } finally {
      this.flushing = false;
    }
  }

  private async render(id: string): Promise<string> {
    try {
      const view = await this.o.read(id);
      return sseEvent("endpoints", view);
    } catch (err) {
      const [namespace, name] = id.split("/");
      if (err instanceof TugError && err.code === "NOT_FOUND") return sseEvent("deleted", { namespace, name });
      const te =
        err instanceof TugError ? err : new TugError("STORE_UNAVAILABLE", String((err as Error)?.message ?? err));
      return sseEvent("error", { ...te.toBody(), namespace, name });
    }
  }

  private write(text: string): boolean {
    if (this.ended.signal.aborted || this.res.writableEnded) return true;
    if (text.startsWith("event:")) this.sent++;
    return this.res.write(text);
  }

  private drained(): Promise<void> {
    return new Promise((r) => {
      const done = () => {
        this.res.off("drain", done);
        this.ended.signal.removeEventListener("abort", done);
        r();
      };
      this.res.once("drain", done);
      this.ended.signal.addEventListener("abort", done, { once: true });
    });
  }
}
