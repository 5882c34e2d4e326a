/**
 * The endpoint change feed behind blocking queries and `GET /v1/watch`. It keeps the last seen endpoint index of
 * every deployment and re-reads them all (one HGETALL) when a NATS hint says something changed — so a watch
 * returns within milliseconds of a readiness change — and on a slow poll as the level-triggered safety net, so a
 * lost hint costs at most one poll period. Checks are coalesced: one read in flight, at most one queued behind it.
 */
import { subjects } from "@tug/contracts";
import type { Logger } from "@tug/log";
import { sleep } from "@tug/runtime";
import type { StateStore } from "@tug/state";

/** The part of the bus the feed needs: subscriptions to change hints. */
export interface HintSource {
  subscribe(subject: string, handler: () => void): { unsubscribe(): void };
}

/** Receives the ids (`ns/name`) whose endpoint index changed, or whose index disappeared. */
export type ChangeListener = (ids: readonly string[]) => void;

/** Feed settings. */
export interface FeedOptions {
  store: Pick<StateStore, "endpointsIndexes">;
  /** Hints that wake the feed at once; without them the feed relies on polling alone. */
  hints?: HintSource;
  /** Safety-net poll period in ms. */
  pollMs: number;
  log?: Logger;
}

/** Subjects whose hints may mean an endpoint set changed. */
const HINT_SUBJECTS = [subjects.hintAll("endpoints"), subjects.hintAll("replica"), subjects.hintAll("node")];

/** Change feed over the store's endpoint indexes; starts lazily on the first listener, stops on `close`. */
export class EndpointFeed {
  private indexes = new Map<string, number>();
  private readonly listeners = new Set<ChangeListener>();
  private readonly stop = new AbortController();
  private started = false;
  private primed: Promise<void> | undefined;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly o: FeedOptions) {}

  /** Registers `fn` for changes; returns the unsubscribe function. Resolves once the feed knows the current indexes. */
  async listen(fn: ChangeListener): Promise<() => void> {
    this.listeners.add(fn);
    this.start();
    await this.primed;
    return () => this.listeners.delete(fn);
  }

  /** Number of registered listeners (metrics and tests). */
  get size(): number {
    return this.listeners.size;
  }

  /** Re-reads the indexes now (coalesced with a read already in flight). */
  kick(): void {
    if (this.stop.signal.aborted) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.check().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Stops polling and drops the hint subscriptions; listeners get nothing more. */
  close(): void {
    this.stop.abort();
    this.listeners.clear();
  }

  private start(): void {
    if (this.started || this.stop.signal.aborted) return;
    this.started = true;
    this.primed = this.read().then((m) => {
      if (m) this.indexes = m;
    });
    const subs = (this.o.hints ? HINT_SUBJECTS : []).map((s) => this.o.hints!.subscribe(s, () => this.kick()));
    void (async () => {
      await this.primed;
      while (!this.stop.signal.aborted) {
        await sleep(this.o.pollMs, this.stop.signal);
        this.kick();
      }
      for (const s of subs) s.unsubscribe();
    })();
  }

  private async read(): Promise<Map<string, number> | undefined> {
    try {
      return await this.o.store.endpointsIndexes();
    } catch (err) {
      this.o.log?.debug({ err: String(err) }, "endpoint index read failed");
      return undefined;
    }
  }

  private async check(): Promise<void> {
    const next = await this.read();
    if (!next || this.stop.signal.aborted) return;
    const changed: string[] = [];
    for (const [id, index] of next) if (this.indexes.get(id) !== index) changed.push(id);
    for (const id of this.indexes.keys()) if (!next.has(id)) changed.push(id);
    this.indexes = next;
    if (changed.length === 0) return;
    for (const fn of [...this.listeners]) {
      try {
        fn(changed);
      } catch (err) {
        this.o.log?.warn({ err: String(err) }, "watch listener failed");
      }
    }
  }
}
