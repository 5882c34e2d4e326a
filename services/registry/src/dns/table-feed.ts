/**
 * The endpoint table as DNS worker processes receive it: the registry sends every entry when a worker starts and each
 * change after, over the worker's IPC channel; the worker's copy answers lookups like the registry's own table.
 */
import type { DnsEndpoint, ServiceLookup } from "./answer.js";

/** One service's ready endpoints and their version. */
export interface TableEntry {
  version: number;
  endpoints: DnsEndpoint[];
}

/** Messages from the registry to a DNS worker. */
export type FeedMessage =
  | { t: "all"; entries: [string, TableEntry][] }
  | { t: "set"; id: string; entry: TableEntry }
  | { t: "del"; id: string };

/** A table whose changes can be followed: what the registry's EndpointTable offers to the worker supervisor. */
export interface TableFeed extends ServiceLookup {
  /** Every entry now (service id `ns/name` → entry). */
  entries(): [string, TableEntry][];
  /** Calls `fn` after every change (entry undefined: the service is gone); returns the unsubscribe function. */
  onChange(fn: (id: string, entry: TableEntry | undefined) => void): () => void;
}

/** A worker's copy of the table, kept by applying FeedMessages in order. */
export class FedTable implements ServiceLookup {
  private readonly map = new Map<string, TableEntry>();
  generation = 0;

  lookup(namespace: string, name: string): TableEntry | undefined {
    return this.map.get(`${namespace}/${name}`);
  }

  /** Applies one message from the registry. */
  apply(m: FeedMessage): void {
    if (m.t === "all") {
      this.map.clear();
      for (const [id, e] of m.entries) this.map.set(id, e);
    } else if (m.t === "set") this.map.set(m.id, m.entry);
    else this.map.delete(m.id);
    this.generation++;
  }
}
