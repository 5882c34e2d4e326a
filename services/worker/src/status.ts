/** Status reporting: the snapshot message, published on change (coalesced) and periodically. */
import { createHash } from "node:crypto";
import type { ReplicaStatus, StatusReport } from "@tug/contracts";

/**
 * Numbers this worker instance's status reports (`seq`). When full reports may be further apart than the report
 * period (`fullEveryMs` > `periodMs`, hollow nodes), it stamps each report with a digest of its replicas, and a
 * periodic report whose replicas equal the last full report's, sent less than `fullEveryMs` after it, goes out as
 * `unchanged` (the digest, no replicas): a cluster at rest sends next to nothing. Otherwise every report is full and
 * no digest is computed. A report on change is always full.
 */
export class StatusReporter {
  private seq = 0;
  private lastDigest: string | undefined;
  private lastFullAt = -Infinity;
  private readonly sparse: boolean;

  constructor(
    private readonly node: { node: string; instance: string; address: string },
    periodMs: number,
    private readonly fullEveryMs: number,
  ) {
    this.sparse = fullEveryMs > periodMs;
  }

  /**
   * The next report (`sinceSyncMs`: since the worker's last answered sync, when known; `periodic`: not sent because
   * something changed, so it may say `unchanged`).
   */
  next(replicas: ReplicaStatus[], periodic: boolean, now: number, sinceSyncMs?: number): StatusReport {
    const r: StatusReport = {
      node: this.node.node,
      instance: this.node.instance,
      address: this.node.address,
      replicas,
      seq: this.seq++,
    };
    if (this.sparse) {
      r.digest = createHash("sha1").update(JSON.stringify(replicas)).digest("base64url").slice(0, 22);
      if (periodic && r.digest === this.lastDigest && now - this.lastFullAt < this.fullEveryMs) {
        r.replicas = [];
        r.unchanged = true;
      } else [this.lastDigest, this.lastFullAt] = [r.digest, now];
    }
    if (sinceSyncMs !== undefined) r.sinceSyncMs = Math.max(0, Math.round(sinceSyncMs));
    return r;
  }
}

/** Coalesces bursts of changes into one call of `flush` at most every `windowMs`. */
export class Coalescer {
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly flush: () => void,
    private readonly windowMs = 50,
  ) {}

  /** Something changed: flush within the window. */
  poke(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.windowMs);
  }

  /** Cancels a pending flush; later pokes are ignored. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
