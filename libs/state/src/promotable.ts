/**
 * How many replicas a durable write must reach besides the online ones: with `every` (the default), each replica of
 * the primary the Sentinels know, up or down; with `up`, each one they do not see down (the ones they could promote
 * now). A write is durable only once every one of them holds it, not only the ones connected to the primary at that
 * moment: CI's chaos run saw a primary cut off in a minority come back just as the majority's Sentinels promoted
 * another replica; the remaining replica reconnected to the deposed primary and confirmed a write there, which the
 * failover then dropped. Counting the promotable replicas, that write waits for the promoted one too, and is refused.
 * Counting only those seen up still lost acknowledged writes for tens of seconds in 15-minute chaos runs: a replica
 * the Sentinels saw down when a write was confirmed came back and, with the others cut off, was promoted without it.
 * Counting every known replica, an acknowledged write is on every server. The primary the Sentinels name counts too
 * (see `poll`).
 * Polled from every Sentinel on persistent connections, from a store's first durable write on (a process that only
 * reads never polls); the largest count any of them gives is used (more to wait for is safer), and the last known
 * count stays while none answers.
 *
 * The server the write went to never counts, whoever lists it: right after a failover a Sentinel that has not heard of
 * it yet (they learn from each other's hellos, every 2 s) still lists the promoted server among the old primary's
 * replicas, and a write to that server would wait for itself, time out and be refused until then (bench/failover saw
 * it as 1 s steps). A deposed primary is still waited for by the Sentinels that list it, as before.
 */
import { Redis } from "ioredis";
import { parseSentinels, redisAuth } from "./connection.js";
import type { WaitFor } from "./connection.js";
import { knownAddresses, sentinelAuth, upAddresses } from "./sentinel.js";

/** A running poll of the promotable replicas of `masterName`; `count` is the latest, `stop` ends it. */
export class PromotableReplicas {
  /** The replicas (`ip:port`, known or up as `which` says) each Sentinel that answered the last poll listed. */
  private latest: string[][] = [];
  private readonly clients: Redis[];
  private readonly timer: NodeJS.Timeout;
  /** Resolves once the first poll is done. */
  private readonly first: Promise<void>;

  /**
   * `password`: the Sentinels' password of the moment (read at each connect), if they require one; `which`: count
   * every replica they know, or only those they see up.
   */
  constructor(
    sentinels: string,
    private readonly masterName: string,
    periodMs = 250,
    private readonly password: () => string | undefined = () => undefined,
    private readonly which: WaitFor = "every",
  ) {
    this.clients = parseSentinels(sentinels).map((s) => {
      const r = new Redis({
        ...redisAuth(sentinelAuth(password())),
        host: s.host,
        port: s.port,
        connectTimeout: 1_000,
        commandTimeout: 1_000,
        maxRetriesPerRequest: 0,
        enableOfflineQueue: false,
        retryStrategy: () => 500,
      });
      r.on("error", () => {});
      r.on("reconnecting", () => (r.options.password = password())); // after a rotation, the new one
      return r;
    });
    this.timer = setInterval(() => void this.poll(), periodMs);
    this.timer.unref();
    // the first poll as soon as the connections are up (at most 1 s): no count is given out before it
    const up = (c: Redis) => new Promise<void>((r) => (c.status === "ready" ? r() : c.once("ready", () => r())));
    const bound = new Promise<void>((r) => setTimeout(r, 1_000).unref());
    this.first = Promise.race([Promise.all(this.clients.map(up)), bound]).then(() => this.poll());
  }

  /**
   * The largest count a Sentinel gave in the last poll that got any answer (after the first poll), not counting
   * `self` (`ip:port` of the server the write went to) in any list.
   */
  async count(self?: string): Promise<number> {
    await this.first;
    return Math.max(0, ...this.latest.map((listed) => listed.filter((a) => a !== self).length));
  }

  /**
   * Asks every Sentinel once for the primary and its replicas; resolves when all answered or failed. The primary a
   * Sentinel names counts as well: a write that reached a deposed primary (its clients not yet moved) must wait for
   * the promoted one too, which never replicates from it, so that write is refused; on the primary itself it is
   * `self`, which never counts.
   */
  async poll(): Promise<void> {
    const pick = this.which === "up" ? upAddresses : knownAddresses;
    const ask = (c: Redis) =>
      Promise.all([
        c.call("SENTINEL", "master", this.masterName),
        c.call("SENTINEL", "replicas", this.masterName),
      ]).then(
        ([primary, replicas]) => [...pick([primary]), ...pick(replicas)],
        () => undefined,
      );
    const answers = await Promise.all(this.clients.map((c) => (c.status === "ready" ? ask(c) : undefined)));
    const known = answers.filter((a): a is string[] => a !== undefined);
    if (known.length) this.latest = known;
  }

  stop(): void {
    clearInterval(this.timer);
    for (const c of this.clients) c.disconnect();
  }
}
