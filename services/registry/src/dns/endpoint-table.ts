/**
 * An in-memory copy of every service's ready endpoints, for DNS (which must answer without a Redis round trip).
 * Kept by an EndpointCache: endpoint, deployment and node hints re-read only what they name (so a readiness change
 * reaches DNS within milliseconds), the endpoint-index check every `syncMs` catches a lost endpoint hint, the
 * deployment and node records are compared every `recordsResyncMs` (a lost hint of theirs), and the whole table is
 * re-read every `deepResyncMs`; both are fixed periods however large the cluster.
 */
import type { Bus } from "@tug/bus";
import { subjects } from "@tug/contracts";
import type { Logger } from "@tug/log";
import { type CacheHint, EndpointCache, type EndpointCacheStore } from "@tug/state";
import type { DnsEndpoint } from "./answer.js";
import type { TableEntry, TableFeed } from "./table-feed.js";

const dnsEndpoint = (e: DnsEndpoint): DnsEndpoint => ({ host: e.host, port: e.port, replica: e.replica });

type Entry = TableEntry;

/** Service id → ready endpoints and a version that changes with them. */
export class EndpointTable implements TableFeed {
  private readonly byId = new Map<string, Entry>();
  private readonly listeners = new Set<(id: string, entry: Entry | undefined) => void>();
  private readonly cache: EndpointCache;
  private version = 0;
  private wake: (() => void) | undefined;
  private kicked = false;

  constructor(
    store: EndpointCacheStore,
    private readonly log: Logger,
    recordsResyncMs = 30_000,
    deepResyncMs?: number,
  ) {
    this.cache = new EndpointCache(store, recordsResyncMs, deepResyncMs);
  }

  lookup(namespace: string, name: string): Entry | undefined {
    return this.byId.get(`${namespace}/${name}`);
  }

  /** Changes with every entry written or removed. */
  get generation(): number {
    return this.version;
  }

  entries(): [string, Entry][] {
    return [...this.byId];
  }

  onChange(fn: (id: string, entry: Entry | undefined) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Re-reads every service now. */
  async refreshAll(): Promise<void> {
    this.cache.hint("deployment");
    await this.sync();
  }

  /** Brings the table up to date with the cache. */
  async sync(): Promise<void> {
    const changed = await this.cache.sync();
    const services = this.cache.services();
    for (const id of changed) {
      let entry: Entry | undefined;
      if (services.has(id)) this.byId.set(id, (entry = { version: ++this.version, endpoints: this.endpointsOf(id) }));
      else if (this.byId.delete(id)) this.version++;
      else continue;
      for (const fn of this.listeners) fn(id, entry);
    }
  }

  /** Keeps the table fresh until `signal` aborts: at once on hints, else every `syncMs`. */
  async run(bus: Bus, syncMs: number, signal: AbortSignal): Promise<void> {
    const kinds: CacheHint[] = ["endpoints", "deployment", "node"];
    const subs = kinds.map((kind) =>
      bus.subscribe(subjects.hintAll(kind), (env) => {
        const id = (env.body as { id?: unknown })?.id;
        this.cache.hint(kind, typeof id === "string" ? id : undefined);
        this.kick();
      }),
    );
    const unwatch = bus.onReconnect(() => {
      this.cache.hint("deployment");
      this.kick();
    });
    const stop = () => this.kick();
    signal.addEventListener("abort", stop, { once: true });
    while (!signal.aborted) {
      this.kicked = false;
      await this.sync().catch((err) => this.log.warn({ err: String(err) }, "endpoint sync failed"));
      if (this.kicked) continue;
      await new Promise<void>((r) => {
        const t = setTimeout(done, syncMs);
        function done() {
          clearTimeout(t);
          r();
        }
        this.wake = done;
      });
      this.wake = undefined;
    }
    signal.removeEventListener("abort", stop);
    for (const s of subs) s.unsubscribe();
    unwatch();
  }

  private endpointsOf(id: string): DnsEndpoint[] {
    return this.cache.endpoints(id).map(dnsEndpoint);
  }

  private kick(): void {
    this.kicked = true;
    this.wake?.();
  }
}
