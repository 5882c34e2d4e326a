/** Status reporting: the full snapshot message, published on change (coalesced) and periodically. */
import type { StatusReport, ReplicaStatus } from "@tug/contracts";

/**
 * Builds the StatusReport body for this node (`sinceSyncMs`: since its last answered sync, when known; `seq`: the
 * report's number among this worker instance's reports).
 */
export function statusReport(
  node: { node: string; instance: string; address: string },
  replicas: ReplicaStatus[],
  sinceSyncMs?: number,
  seq?: number,
): StatusReport {
  const r: StatusReport = { node: node.node, instance: node.instance, address: node.address, replicas };
  if (seq !== undefined) r.seq = seq;
  return sinceSyncMs === undefined ? r : { ...r, sinceSyncMs: Math.max(0, Math.round(sinceSyncMs)) };
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
