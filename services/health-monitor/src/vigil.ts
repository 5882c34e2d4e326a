/**
 * A sweep may only judge a node silent if the health-monitor itself has been listening the whole time. After
 * its own start, a NATS or Redis outage, or a pause (SIGSTOP, GC stall: a gap between ticks), heartbeats were not
 * recorded, so every node would look silent; the vigil waits one full grace period of healthy watching first.
 */
export class Vigil {
  private since: number;
  private lastTick: number;

  constructor(now: number) {
    this.since = now;
    this.lastTick = now;
  }

  /** Records a tick; true when the monitor has watched, healthy and without gaps, for at least `graceMs`. */
  watching(healthy: boolean, now: number, graceMs: number, maxGapMs: number): boolean {
    if (!healthy || now - this.lastTick > maxGapMs) this.since = now;
    this.lastTick = now;
    return now - this.since >= graceMs;
  }
}
