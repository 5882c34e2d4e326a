/**
 * Durable acknowledgements on a replicated primary. Right behind each write script, on the same connection, the store
 * sends a marker write (INCR) and ROLE; then `WAIT <every online replica> <timeout>`. A write that fewer replicas
 * confirmed may still be lost by a failover, so it is reported as STORE_UNAVAILABLE (retryable; the write may or may
 * not have taken effect, and every transition is safe to repeat). Three holes a plain `WAIT 1` after the script leaves
 * open, and what closes each:
 * - a script that changed nothing (an unchanged apply) propagates nothing, so WAIT would only cover this connection's
 *   older writes, while the state the script saw may be another client's write not yet replicated: the marker write
 *   puts this connection's replication offset past everything the script saw (and a primary cut off from its
 *   replicas refuses it, min-replicas-to-write);
 * - Sentinel picks the replica to promote by replication offsets it read up to seconds ago, so it may promote the
 *   replica that lacks a write one other replica confirmed: WAIT counts every replica online at the write (ROLE), not
 *   one of them, and every replica the Sentinels could promote (promotable.ts), connected to this primary or not;
 * - ioredis resends a command left unanswered by a dropped connection on the next connection, maybe to a new primary,
 *   where WAIT's offset is that connection's (zero): a connection closed between the write and WAIT's answer voids
 *   the confirmation.
 */
import { TugError } from "@tug/contracts";
import type { Redis } from "ioredis";

/** How durable an acknowledged write must be. */
export interface DurabilityOptions {
  /** Replicas that must confirm each write at the least, however many are online (0 = no WAIT at all). */
  minReplicas: number;
  /** How long one WAIT may block. */
  timeoutMs: number;
  /** The key the marker write increments (in the store's key space, so the writers' ACL covers it). */
  markerKey: string;
  /**
   * How many replicas the Sentinels could promote now (promotable.ts), not counting `self` (`ip:port` of the server
   * the write went to): each must confirm too.
   */
  promotable?: (self: string | undefined) => Promise<number>;
}

/** One write's confirmation in flight: `confirm` resolves once it is durable, or throws STORE_UNAVAILABLE. */
export interface PendingAck {
  confirm(): Promise<void>;
  /** The write failed: nothing to confirm (keeps the pipelined replies from being unhandled rejections). */
  abandon(): void;
}

/** Confirms the writes of one connection (see the module's contract); `begin` right after sending a write. */
export class DurableAcks {
  /** Connections this client has lost: a confirmation spanning a close is void. */
  private closes = 0;

  constructor(
    private readonly redis: Redis,
    private readonly o: DurabilityOptions,
  ) {
    redis.on("close", () => this.closes++);
  }

  /** Pipelines the marker write and ROLE behind the write just sent; undefined when no replica must confirm. */
  begin(): PendingAck | undefined {
    if (this.o.minReplicas <= 0) return undefined;
    const epoch = this.closes;
    const marked = this.redis.incr(this.o.markerKey);
    const role = this.redis.call("ROLE");
    const settle = () => Promise.allSettled([marked, role]);
    return {
      abandon: () => void settle(),
      confirm: async () => {
        const [m, r] = await settle();
        if (m.status === "rejected") throw unconfirmed(`the primary refused the write's marker: ${reason(m.reason)}`);
        const online = r.status === "fulfilled" ? onlineReplicas(r.value) : 0;
        const self = serverAddress(this.redis);
        const need = Math.max(this.o.minReplicas, online, (await this.o.promotable?.(self)) ?? 0);
        const got = await this.wait(need);
        if (this.closes !== epoch)
          throw unconfirmed("the connection to the primary closed before the replicas confirmed");
        if (got < need) {
          throw unconfirmed(
            `the write reached ${got} of the ${need} replica(s) it needs within ${this.o.timeoutMs} ms; ` +
              "it may or may not have taken effect: retry",
          );
        }
      },
    };
  }

  private async wait(replicas: number): Promise<number> {
    try {
      return Number(await this.redis.call("WAIT", replicas, this.o.timeoutMs));
    } catch (err) {
      throw unconfirmed(`the write could not be confirmed by the replicas: ${reason(err)}`, err);
    }
  }
}

/** `ip:port` of the server `redis` is connected to now (IPv4-mapped addresses as plain IPv4), if connected. */
export function serverAddress(redis: Pick<Redis, "stream">): string | undefined {
  const s = redis.stream as { remoteAddress?: string; remotePort?: number; destroyed?: boolean } | undefined;
  if (!s?.remoteAddress || !s.remotePort || s.destroyed) return undefined;
  return `${s.remoteAddress.replace(/^::ffff:/, "")}:${s.remotePort}`;
}

/** The replicas a primary's ROLE reply lists (those online); 0 for anything else. */
function onlineReplicas(role: unknown): number {
  return Array.isArray(role) && role[0] === "master" && Array.isArray(role[2]) ? role[2].length : 0;
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function unconfirmed(message: string, cause?: unknown): TugError {
  return new TugError("STORE_UNAVAILABLE", message, undefined, cause === undefined ? undefined : { cause });
}
