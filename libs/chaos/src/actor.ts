/**
 * Whether the controller could act on desired state, and since when: one of its instances runs (component
 * heartbeats) and Redis takes writes confirmed as the controller's are (this checker's own probe writes). A
 * scale-down's surplus can only be retired then, so the ready-count and copy-count checks allow what a change
 * superseded while it could not (AckLedger.maxDesiredSince's `actorUpSince`). Readable is not enough: with every
 * Redis server confirming writes, Redis answers reads while one server is away but takes no write.
 */
import type { Bus } from "@tug/bus";
import { subjects } from "@tug/contracts";
import { sleep } from "@tug/runtime";
import type { RedisStore } from "@tug/state";
import { Presence } from "./presence.js";

/** How often the watch probes whether Redis takes writes (ms). */
export const WRITE_PROBE_MS = 250;

/**
 * Watches the controller's heartbeats and Redis' writability. Give it a store connection of its own: a probe's WAIT
 * holds its connection up to the WAIT timeout, and reads queued behind it would wait as long.
 */
export class ActorWatch {
  private readonly controller = new Presence();
  private readonly writable = new Presence();

  constructor(
    private readonly bus: Bus,
    private readonly store: Pick<RedisStore, "confirmCurrent">,
  ) {}

  /** Watches until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const sub = this.bus.subscribe(subjects.componentHeartbeatOfRole("controller"), () => this.controller.beat());
    try {
      while (!signal.aborted) {
        await this.store.confirmCurrent().then(
          () => this.writable.beat(),
          () => this.writable.lapse(),
        );
        await sleep(WRITE_PROBE_MS, signal);
      }
    } finally {
      sub.unsubscribe();
    }
  }

  /** Since when the controller could act without a gap (`now` when it cannot now). */
  upSince(now = Date.now()): number {
    return Math.max(this.controller.upSince(now), this.writable.upSince(now));
  }
}
