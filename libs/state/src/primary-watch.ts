/**
 * Keeps a Sentinel-mode client on the primary the Sentinels name. ioredis asks the Sentinels only when it
 * (re)connects; a server that was a primary and came back from a crash still answers as a primary (with its old
 * data) until the Sentinels demote it, so a client that reached it in that window would read stale state. The watch
 * asks the Sentinels every `periodMs` (and at once when `check()` is called, e.g. after a NOREPLICAS refusal) and
 * drops the connection when it is not to the settled primary, so the client reconnects through the Sentinels.
 */
import type { Redis } from "ioredis";
import { sentinelPrimary } from "./sentinel.js";

/** A running watch; `check()` looks now, `stop()` ends it. */
export interface PrimaryWatch {
  check(): Promise<void>;
  /**
   * True when the connection is to the settled primary the Sentinels name now (their highest epoch): asked after a
   * read, it tells a read of the current state from a possibly stale one (a deposed primary cut off in a minority
   * still serves reads; a failover completes before any write is acknowledged on the new primary).
   */
  onPrimary(): Promise<boolean>;
  stop(): void;
}

/** `::ffff:127.0.0.1` and `127.0.0.1` name the same address. */
const plain = (host: string | undefined) => (host ?? "").replace(/^::ffff:/, "");

/**
 * Starts watching `redis` against the Sentinels `sentinels` (`host:port,…`) for `masterName`; `onStale` hears of
 * each dropped connection (for the log); `password` gives the Sentinels' password of the moment, if any.
 */
export function watchPrimary(
  redis: Redis,
  sentinels: string,
  masterName: string,
  onStale: (why: string) => void,
  periodMs = 2_000,
  password: () => string | undefined = () => undefined,
): PrimaryWatch {
  let busy = false;
  /** The settled primary and where the connection is, or undefined while the Sentinels settle nothing. */
  const look = async () => {
    const p = await sentinelPrimary(sentinels, masterName, 1_000, password());
    if (!p || /s_down|o_down|failover/.test(p.flags) || redis.status !== "ready") return undefined;
    const at = { host: plain(redis.stream?.remoteAddress), port: redis.stream?.remotePort };
    return { p, at, same: at.host === plain(p.host) && at.port === p.port };
  };
  const check = async () => {
    if (busy || redis.status !== "ready") return;
    busy = true;
    try {
      const v = await look();
      if (!v || v.at.port === undefined || v.same) return;
      onStale(`connected to ${v.at.host}:${v.at.port}, but the Sentinels name ${v.p.host}:${v.p.port} as the primary`);
      redis.disconnect(true);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void check().catch(() => {}), periodMs);
  timer.unref();
  return { check, onPrimary: async () => (await look())?.same ?? false, stop: () => clearInterval(timer) };
}
