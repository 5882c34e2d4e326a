/**
 * One `GET /v1/watch?view=cluster` stream: `cluster` events (a ClusterDelta each, the first one full), written in
 * order with back-pressure. A client that falls more than `maxPending` deltas behind gets an `error` event and the
 * stream ends; EventSource reconnects and starts over from a fresh snapshot.
 */
import type { ServerResponse } from "node:http";
import type { ClusterDelta } from "@tug/contracts";
import { type ChannelOptions, SseChannel, sseEvent } from "./channel.js";

/** Stream settings. */
export interface ClusterStreamOptions extends ChannelOptions {
  /** Most deltas that may wait to be written. */
  maxPending: number;
}

/** Writes cluster deltas to one HTTP response until it ends. */
export class ClusterStream extends SseChannel {
  private readonly queue: ClusterDelta[] = [];
  private flushing = false;

  constructor(
    res: ServerResponse,
    private readonly o: ClusterStreamOptions,
  ) {
    super(res, o, "tugboat cluster watch");
    this.signal.addEventListener("abort", () => this.queue.splice(0), { once: true });
  }

  /** Queues one delta; returns at once. */
  push(delta: ClusterDelta): void {
    if (this.signal.aborted) return;
    this.queue.push(delta);
    if (this.queue.length > this.o.maxPending) return this.cutOff();
    void this.flush();
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.queue.length > 0 && !this.signal.aborted) {
        if (!this.write(sseEvent("cluster", this.queue.shift()))) await this.drained();
      }
    } finally {
      this.flushing = false;
    }
  }
}
