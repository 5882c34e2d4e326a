/**
 * The whole-cluster change feed behind `GET /v1/watch?view=cluster` (the dashboard). Hints on the bus (deployment,
 * replica, node and endpoint changes) wake it; it re-reads the cluster from Redis at most once per `minGapMs`,
 * diffs every object against what it sent last, and hands listeners only the changes. A slow safety-net read
 * (`pollMs`) keeps it level-triggered: a lost hint costs latency, never correctness. With no listener it reads
 * nothing; the next listener's snapshot comes from a fresh read.
 */
import {
  type ClusterDelta,
  type ClusterEvent,
  type DeploymentRecord,
  type NodeView,
  type ReplicaRecord,
  type ServiceView,
  subjects,
  type TrafficFigure,
} from "@tug/contracts";
import type { Logger } from "@tug/log";
import type { StateStore } from "@tug/state";
import { nodeViews, serviceView } from "../views.js";
import { allOf, diffInto, isEmpty, type Seen } from "./diff.js";
import type { HintSource } from "./feed.js";

/** The part of the bus that carries the proxy's traffic figures. */
export interface TrafficSource {
  subscribe(subject: string, handler: (env: { body: unknown }) => void): { unsubscribe(): void };
}

/** Feed settings. */
export interface ClusterFeedOptions {
  store: Pick<StateStore, "nodes" | "replicas" | "deployments" | "events" | "endpointsIndexes">;
  hints?: HintSource;
  traffic?: TrafficSource;
  /** Reads are at least this far apart (hints in between are coalesced into the next read). */
  minGapMs: number;
  /** Safety-net read period while someone listens. */
  pollMs: number;
  /** Cluster events a new listener gets. */
  eventBacklog: number;
  log?: Logger;
}

/** Receives each change set. */
export type DeltaListener = (delta: ClusterDelta) => void;

type ServiceItem = ServiceView & { id: string };
const HINT_KINDS = ["deployment", "replica", "node", "endpoints"] as const;

/** See the file comment. */
export class ClusterFeed {
  private readonly listeners = new Set<DeltaListener>();
  private readonly nodes: Seen<NodeView> = new Map();
  private readonly replicas: Seen<ReplicaRecord> = new Map();
  private readonly deployments: Seen<DeploymentRecord> = new Map();
  private readonly services: Seen<ServiceItem> = new Map();
  private events: ClusterEvent[] = [];
  private lastEventId = "";
  private traffic: Record<string, TrafficFigure> = {};
  private readonly subs: Array<{ unsubscribe(): void }> = [];
  /** The next coalesced read, when one is due. */
  private timer: NodeJS.Timeout | undefined;
  /** The next safety-net read. */
  private pollTimer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;
  private again = false;
  private lastReadAt = 0;
  private fresh = false;
  private closed = false;
  private started = false;

  constructor(private readonly o: ClusterFeedOptions) {}

  /** Registers `fn`; resolves with the full snapshot to send first and the unsubscribe function. */
  async listen(fn: DeltaListener): Promise<{ snapshot: ClusterDelta; unlisten: () => void }> {
    this.start();
    if (!this.fresh) await this.readNow();
    this.listeners.add(fn);
    const snapshot: ClusterDelta = {
      full: true,
      nodes: allOf(this.nodes),
      replicas: allOf(this.replicas),
      deployments: allOf(this.deployments),
      services: allOf(this.services),
      events: [...this.events],
      traffic: { ...this.traffic },
    };
    return { snapshot, unlisten: () => this.unlisten(fn) };
  }

  /** Stops reading and drops the subscriptions. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    clearTimeout(this.pollTimer);
    for (const s of this.subs.splice(0)) s.unsubscribe();
    this.listeners.clear();
  }

  private unlisten(fn: DeltaListener): void {
    this.listeners.delete(fn);
    if (this.listeners.size === 0) this.fresh = false; // reads stop; the next listener starts from a fresh read
  }

  private start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    const hints = this.o.hints;
    if (hints)
      for (const kind of HINT_KINDS) this.subs.push(hints.subscribe(subjects.hintAll(kind), () => this.wake()));
    if (this.o.traffic)
      this.subs.push(this.o.traffic.subscribe(subjects.proxyMetrics, (env) => this.onTraffic(env.body)));
  }

  /** A hint (or the safety-net timer): read soon, no sooner than `minGapMs` after the last read. */
  private wake(): void {
    if (this.closed || this.listeners.size === 0) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    if (this.timer) return;
    const wait = Math.max(0, this.lastReadAt + this.o.minGapMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.readNow();
    }, wait);
  }

  private async readNow(): Promise<void> {
    if (this.reading) return this.reading;
    this.reading = this.read().finally(() => {
      this.reading = undefined;
      this.lastReadAt = Date.now();
      clearTimeout(this.pollTimer);
      this.pollTimer = this.closed ? undefined : setTimeout(() => this.wake(), this.o.pollMs).unref();
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
    return this.reading;
  }

  private async read(): Promise<void> {
    try {
      const s = this.o.store;
      const [nodes, replicas, deployments, indexes, events] = await Promise.all([
        s.nodes(),
        s.replicas(),
        s.deployments(),
        s.endpointsIndexes(),
        s.events(this.lastEventId || "0", this.lastEventId ? 1000 : 10_000),
      ]);
      this.apply(nodes, replicas, deployments, indexes, events);
      this.fresh = true;
    } catch (err) {
      this.o.log?.debug({ err: String(err) }, "cluster feed read failed");
    }
  }

  private apply(
    nodes: Awaited<ReturnType<StateStore["nodes"]>>,
    replicas: ReplicaRecord[],
    deployments: DeploymentRecord[],
    indexes: Map<string, number>,
    events: ClusterEvent[],
  ): void {
    const byDeployment = new Map<string, ReplicaRecord[]>();
    for (const r of replicas) {
      const list = byDeployment.get(r.deployment);
      if (list) list.push(r);
      else byDeployment.set(r.deployment, [r]);
    }
    const services = deployments.map((d) => ({
      id: d.id,
      ...serviceView(d.namespace, d.name, d, byDeployment.get(d.id) ?? [], nodes, indexes.get(d.id) ?? 0),
    }));
    const fresh = events;
    if (fresh.length > 0) this.lastEventId = fresh.at(-1)!.id;
    this.events = [...this.events, ...fresh].slice(-this.o.eventBacklog);
    const delta: ClusterDelta = {
      full: false,
      // a heartbeat alone is not a change worth sending
      nodes: diffInto(
        this.nodes,
        nodeViews(nodes, replicas),
        (n) => n.id,
        (n) => JSON.stringify({ ...n, lastHeartbeat: 0 }),
      ),
      replicas: diffInto(this.replicas, replicas, (r) => r.id),
      deployments: diffInto(this.deployments, deployments, (d) => d.id),
      services: diffInto(this.services, services, (v) => v.id),
      events: fresh.slice(-this.o.eventBacklog),
    };
    const changed = [delta.nodes, delta.replicas, delta.deployments, delta.services].some((c) => !isEmpty(c));
    if (this.fresh && (changed || delta.events.length > 0)) this.emit(delta);
  }

  private onTraffic(body: unknown): void {
    const list = (body as { services?: unknown } | undefined)?.services;
    if (!Array.isArray(list)) return;
    const next: Record<string, TrafficFigure> = {};
    for (const f of list as Array<Partial<TrafficFigure> & { id?: unknown }>) {
      if (typeof f?.id === "string" && Number.isFinite(f.rps) && Number.isFinite(f.connections))
        next[f.id] = { rps: f.rps!, connections: f.connections! };
    }
    if (JSON.stringify(next) === JSON.stringify(this.traffic)) return;
    this.traffic = next;
    const none = { upsert: [], remove: [] };
    this.emit({
      full: false,
      nodes: none,
      replicas: none,
      deployments: none,
      services: none,
      events: [],
      traffic: next,
    });
  }

  private emit(delta: ClusterDelta): void {
    for (const fn of [...this.listeners]) {
      try {
        fn(delta);
      } catch (err) {
        this.o.log?.warn({ err: String(err) }, "cluster watch listener failed");
      }
    }
  }
}
