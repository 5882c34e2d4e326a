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
  stop(): void;
}

/** `::ffff:127.0.0.1` and `127.0.0.1` name the same address. */
const plain = (host: string | undefined) => (host ?? "").replace(/^::ffff:/, "");

/**
 * Starts watching `redis` against the Sentinels `sentinels` (`host:port,…`) for `masterName`; `onStale` hears of
 * each dropped connection (for the log).
 */
export function watchPrimary(
  redis: Redis,
  sentinels: string,
  masterName: string,
  onStale: (why: string) => void,
  periodMs = 2_000,
): PrimaryWatch {
  let busy = false;
  const check = async () => {
    if (busy || redis.status !== "ready") return;
    busy = true;
    try {
      const p = await sentinelPrimary(sentinels, masterName);
      if (!p || /s_down|o_down|failover/.test(p.flags) || redis.status !== "ready") return;
      const at = { host: plain(redis.stream?.remoteAddress), port: redis.stream?.remotePort };
      if (at.port === undefined || (at.host === plain(p.host) && at.port === p.port)) return;
      onStale(`connected to ${at.host}:${at.port}, but the Sentinels name ${p.host}:${p.port} as the primary`);
      redis.disconnect(true);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void check().catch(() => {}), periodMs);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}
