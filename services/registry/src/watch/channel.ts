/**
 * The transport under every `GET /v1/watch` stream: an open Server-Sent Events response with keepalive comments,
 * a bounded lifetime, back-pressure (`drained()`), and an abort signal once it ends (client gone, lifetime over,
 * server closing).
 */
import type { ServerResponse } from "node:http";
import { TugError } from "@tug/contracts";

/** Channel settings. */
export interface ChannelOptions {
  /** Period of `: keepalive` comments, so idle intermediaries keep the connection. */
  keepaliveMs: number;
  /** The stream ends after this long; clients reconnect (EventSource does so by itself). */
  lifetimeMs: number;
}

/** Formats one SSE event. */
export function sseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** One open SSE response. */
export class SseChannel {
  private readonly ended = new AbortController();
  private readonly timers: NodeJS.Timeout[] = [];
  /** Events written so far. */
  sent = 0;

  constructor(
    private readonly res: ServerResponse,
    o: ChannelOptions,
    banner: string,
  ) {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    res.write(`: ${banner}\n\n`);
    res.once("close", () => this.end());
    this.timers.push(setInterval(() => this.write(": keepalive\n\n"), o.keepaliveMs).unref());
    this.timers.push(setTimeout(() => this.end(), o.lifetimeMs).unref());
  }

  /** Aborts when the stream ends. */
  get signal(): AbortSignal {
    return this.ended.signal;
  }

  /** Ends the response (idempotent). */
  end(): void {
    if (this.ended.signal.aborted) return;
    this.ended.abort();
    for (const t of this.timers) clearTimeout(t);
    if (!this.res.writableEnded) this.res.end();
  }

  /** Ends the stream of a client that fell too far behind, telling it to reconnect (an `error` event). */
  cutOff(): void {
    this.write(sseEvent("error", new TugError("TIMEOUT", "the client reads too slowly; reconnect").toBody()));
    this.end();
  }

  /** Writes text; false when the socket's buffer is full (wait for `drained()` before writing more). */
  write(text: string): boolean {
    if (this.ended.signal.aborted || this.res.writableEnded) return true;
    if (text.startsWith("event:")) this.sent++;
    return this.res.write(text);
  }

  /** Resolves when the socket can take more, or the stream ended. */
  drained(): Promise<void> {
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
