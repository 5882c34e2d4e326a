/**
 * One Server-Sent Events stream of endpoint changes. Resources per connection are bounded: pending changes are a
 * set of service ids (a service that changes twice before it is written is sent once, with its newest state), at
 * most one write waits on the socket at a time (back-pressure through `drain`), and the stream ends after its
 * lifetime or when the server closes.
 */
import type { ServerResponse } from "node:http";
import { TugError } from "@tug/contracts";
import type { ServiceView } from "../views.js";
import { type ChannelOptions, SseChannel, sseEvent } from "./channel.js";

export { sseEvent } from "./channel.js";

/** Reads the current view of a service; throws NOT_FOUND once it is gone. */
export type ServiceReader = (id: string) => Promise<ServiceView>;

/** Stream settings. */
export interface SseOptions extends ChannelOptions {
  read: ServiceReader;
  /** Most service ids that may wait to be written; more means the client is far behind and is cut off. */
  maxPending: number;
}

/** Writes changes of the services it is told about to one HTTP response until it ends. */
export class SseStream extends SseChannel {
  private readonly pending = new Set<string>();
  private flushing = false;

  constructor(
    res: ServerResponse,
    private readonly o: SseOptions,
  ) {
    super(res, o, "tugboat endpoint watch");
    this.signal.addEventListener("abort", () => this.pending.clear(), { once: true });
  }

  /** Queues services to send; returns at once. */
  push(ids: Iterable<string>): void {
    if (this.signal.aborted) return;
    for (const id of ids) this.pending.add(id);
    if (this.pending.size > this.o.maxPending) return this.cutOff();
    void this.flush();
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.pending.size > 0 && !this.signal.aborted) {
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
}
