/**
 * Heartbeats in batches: what arrives within `windowMs` (or `max` of them) goes to Redis in one Lua call, so
 * thousands of nodes beating cost a few calls a second, not one each. A node that beat twice in a window counts once
 * (its latest beat). A beat that registers nothing new (same address, capacity, labels, driver, instance and
 * stretched period as the node's last beat written) is sent as the node's id alone (`touchNodes`); the others in
 * full (`heartbeatNodes`). What was written is forgotten every `refreshMs` (and for a node the store does not know,
 * or a failed batch), so every node's registration is written in full again at least that often. A failed batch is
 * logged; the next beats of its nodes bring them back.
 */
import type { Heartbeat } from "@tug/contracts";
import type { Logger } from "@tug/log";
import type { StateStore } from "@tug/state";

/**
 * How long beats gather before they are written (ms): at most 10 writes a second however many nodes beat. Each
 * write and its reply wake the process, and on a virtual machine a wake-up costs tens of microseconds; 20 ms (50 a
 * second) was a visible share of an idle cluster's cost. A beat lands this much later, a small part of any grace.
 */
export const BEAT_WINDOW_MS = 100;

/** Called for each node that registered, restarted or became Ready. */
export type BeatChange = (c: { id: string; restarted: boolean; becameReady: boolean }) => void;

/** Everything of a beat that its node's record holds, as one string. */
function registration(hb: Heartbeat): string {
  const c = hb.capacity;
  const node = `${hb.instance}\0${hb.address}\0${c.cpuMillis}\0${c.memoryBytes}\0${hb.driver}`;
  return `${node}\0${hb.stretchedMs ?? 0}\0${JSON.stringify(hb.labels)}`;
}

/** Collects heartbeats and writes them in batches. */
export class HeartbeatBatcher {
  private pending = new Map<string, Heartbeat>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  /** node → its registration as last written */
  private written = new Map<string, string>();
  private writtenSince = Date.now();

  constructor(
    private readonly store: Pick<StateStore, "heartbeatNodes" | "touchNodes">,
    private readonly changed: BeatChange,
    private readonly log: Logger,
    private readonly windowMs = BEAT_WINDOW_MS,
    private readonly max = 500,
    private readonly refreshMs = 60_000,
  ) {}

  /** Queues `hb` for the next batch. */
  add(hb: Heartbeat): void {
    this.pending.set(hb.node, hb);
    if (this.pending.size >= this.max) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.windowMs);
  }

  /** Writes what is queued now (after the batch in flight). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    if (batch.length === 0) return this.flushing;
    this.flushing = this.flushing.then(() => this.write(batch));
    return this.flushing;
  }

  /** Stops the timer (what is queued is dropped: heartbeats come again). */
  close(): void {
    clearTimeout(this.timer);
    this.pending.clear();
  }

  private async write(batch: Heartbeat[]): Promise<void> {
    if (Date.now() - this.writtenSince > this.refreshMs) {
      this.written.clear();
      this.writtenSince = Date.now();
    }
    const full: Array<{ hb: Heartbeat; reg: string }> = [];
    const touched: string[] = [];
    for (const hb of batch) {
      const reg = registration(hb);
      if (this.written.get(hb.node) === reg) touched.push(hb.node);
      else full.push({ hb, reg });
    }
    try {
      const [registered, touch] = await Promise.all([
        this.store.heartbeatNodes(full.map((f) => f.hb)),
        this.store.touchNodes(touched),
      ]);
      for (const f of full) this.written.set(f.hb.node, f.reg);
      for (const id of touch.unknown) this.written.delete(id);
      for (const c of [...registered, ...touch.changed]) this.changed(c);
    } catch (err) {
      for (const hb of batch) this.written.delete(hb.node);
      this.log.warn({ err: String((err as Error)?.message ?? err), nodes: batch.length }, "heartbeat batch failed");
    }
  }
}
