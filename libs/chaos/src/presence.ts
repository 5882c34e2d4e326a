/**
 * Presence of a control-plane role, from its instances' component heartbeats (every 1 s): whether one is up now,
 * and since when without a gap. The checks use it to judge a role only on what it had the time to do: workers can
 * stop an orphan only while a health-monitor answers their syncs, and the controller can retire a scale-down's
 * surplus only while it runs and Redis takes its writes (a Presence fed by the checker's own probe writes, which
 * lapses at the first refused one).
 */

/** A heartbeat older than this means the role is not running (killed, restarting, paused, cut off). */
export const SILENCE_MS = 2_500;

/** Tracks one role's heartbeats. */
export class Presence {
  private last = Number.NEGATIVE_INFINITY;
  private since = Number.POSITIVE_INFINITY;

  /** Records a heartbeat at `now`. */
  beat(now = Date.now()): void {
    if (now - this.last > SILENCE_MS) this.since = now;
    this.last = now;
  }

  /** Records a failed look: not up until the next beat, which starts a new run. */
  lapse(): void {
    this.last = Number.NEGATIVE_INFINITY;
  }

  /** True when a heartbeat arrived within the silence limit. */
  up(now = Date.now()): boolean {
    return now - this.last <= SILENCE_MS;
  }

  /** Start of the current unbroken run of heartbeats; `now` when the role is not up. */
  upSince(now = Date.now()): number {
    return this.up(now) ? this.since : now;
  }
}
