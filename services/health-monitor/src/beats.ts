/**
 * Heartbeats in batches: what arrives within `windowMs` (or `max` of them) goes to Redis in one Lua call
 * (heartbeatNodes), so thousands of nodes beating cost a few calls a second, not one each. A node that beat twice in
 * a window counts once (its latest beat). A failed batch is logged; the next beats of its nodes bring them back.
 */
import type { Heartbeat } from "@tug/contracts";
import type { Logger } from "@tug/log";
import type { StateStore } from "@tug/state";

/** Called for each node that registered, restarted or became Ready. */
export type BeatChange = (c: { id: string; restarted: boolean; becameReady: boolean }) => void;

/** Collects heartbeats and writes them in batches. */
export class HeartbeatBatcher {
  private pending = new Map<string, Heartbeat>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Pick<StateStore, "heartbeatNodes">,
    private readonly changed: BeatChange,
    private readonly log: Logger,
    private readonly windowMs = 20,
    private readonly max = 500,
  ) {}

  /** Queues `hb` for the next batch. */
  add(hb: Heartbeat): void {
    this.pending.set(hb.node, hb);
    if (this.pending.size >= this.max) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.windowMs);
  }

  /** Writes what is queued now (after the batch in flight). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    if (batch.length === 0) return this.flushing;
    this.flushing = this.flushing.then(async () => {
      try {
        for (const c of await this.store.heartbeatNodes(batch)) this.changed(c);
      } catch (err) {
        this.log.warn({ err: String((err as Error)?.message ?? err), nodes: batch.length }, "heartbeat batch failed");
      }
    });
    return this.flushing;
  }

  /** Stops the timer (what is queued is dropped: heartbeats come again). */
  close(): void {
    clearTimeout(this.timer);
    this.pending.clear();
  }
}
