/**
 * RedisStore: the only code that touches Redis. Reads return records; every write is one Lua script (CAS +
 * event in the same script). Failures come back as TugError with the script's code.
 */
import { createHash } from "node:crypto";
import {
  assertRequestLive,
  requestDeadlineWallMs,
  canonicalJson,
  type ClusterEvent,
  type DeploymentRecord,
  deploymentId,
  type Heartbeat,
  isErrorCode,
  type Manifest,
  type NodeRecord,
  type ReplicaRecord,
  type ReplicaStatus,
  type Template,
  templateOf,
  TugError,
  toTugError,
} from "@tug/contracts";
import type { Redis } from "ioredis";
import { createRedisClient, DEFAULT_MASTER_NAME, type RedisConnection } from "./connection.js";
import { DurableAcks } from "./durable.js";
import { keys, type Keys } from "./keys.js";
import { type PrimaryWatch, watchPrimary } from "./primary-watch.js";
import { PromotableReplicas } from "./promotable.js";
import { toDeployment, toNode, toReplica } from "./records.js";
import { defineScripts } from "./scripts.js";
import type { SecretBox } from "./secret-box.js";

/** Hashes read per pipeline (see `hashes`). */
const HASH_BATCH = 200;

/** Where Redis is (one URL, or Sentinels with WAIT for durable acks), the key prefix and a status callback. */
export interface StoreOptions extends RedisConnection {
  /** Key prefix (default `tug`); tests use a unique one. */
  prefix?: string;
  /** Called on connection state changes (and each stale primary left, as an error), for logs and /healthz. */
  onStatus?: (status: "ready" | "error", err?: unknown) => void;
  /** The cluster's secret key ring: seals secret env values on apply (without it, applying one is refused). */
  secrets?: SecretBox;
}

/** A leased role's proof of holding its lease: the token `acquireLease` gave it. */
export interface Fence {
  role: string;
  token: number;
}

/** Options of `scaleDeployment`. */
export interface ScaleOptions {
  /** Why ("" or absent for a user). */
  reason?: string;
  /** Recorded as the deployment's last scaling decision (the autoscaler's). */
  lastScale?: DeploymentRecord["lastScale"];
  /** CAS on the deployment's generation (-1 or absent = any). */
  expectedGen?: number;
  /** The writer's lease token, when a leased role writes. */
  fence?: Fence;
  now?: number;
}

/** What a scale did: the revision, the generation now, and whether the count was already that. */
type Scaled = { revision: number; gen: number; unchanged: boolean };
/** A node's generation after a cordon. */
type Gen = { gen: number };
/** The status fields `patchDeployment` sets. */
type StatusFields = {
  lastGoodRevision?: number;
  condition?: DeploymentRecord["condition"] | null;
  paused?: boolean;
  revisionAt?: number;
};

/** A replica to create: its deployment revision, requests and node selector. */
export type NewReplica = {
  id: string;
  deployment: string;
  revision: number;
  resources: ReplicaRecord["resources"];
  nodeSelector: Record<string, string>;
};
/** The deployment generation a controller's plan was made from (its writes are refused once it moved). */
export type Planned = { deployment: string; gen: number };

/** Result of a script that succeeded. */
type Ok<T = object> = { ok: true } & T;
type Call = (...args: Array<string | number>) => Promise<string>;

/** Hash of a template's canonical JSON; equal templates hash equal. */
export function templateHash(t: Template): string {
  return createHash("sha256").update(canonicalJson(t)).digest("hex").slice(0, 16);
}

export class RedisStore {
  readonly k: Keys;
  readonly redis: Redis;
  private readonly run: Record<string, Call>;
  /** Confirms each write on the replicas before it counts as done (no-op without replicas to wait for). */
  private readonly acks: DurableAcks;
  /** With Sentinels and durable acks: the replicas they could promote, each of which must confirm a write. */
  private promotable?: PromotableReplicas;
  /** With Sentinels: keeps the connection on the primary they name (see primary-watch.ts). */
  private readonly watch?: PrimaryWatch;
  /** The secret key ring this process was given (controller: seals on apply; health-monitor: opens for sync). */
  readonly secrets?: SecretBox;

  constructor(o: StoreOptions) {
    this.k = keys(o.prefix ?? "tug");
    this.secrets = o.secrets;
    this.redis = createRedisClient(o);
    const sentinels = o.sentinels;
    // the Sentinels' password of the moment (the client follows its file), for the store's own questions to them
    const sentinelPw = () => this.redis.options.sentinelPassword ?? undefined;
    this.acks = new DurableAcks(this.redis, {
      minReplicas: o.waitReplicas ?? 0,
      timeoutMs: o.waitTimeoutMs ?? 1_000,
      markerKey: this.k.durable,
      // polled from the first durable write on: a process that only reads (registry, proxy) never polls
      promotable: sentinels
        ? (self) =>
            (this.promotable ??= new PromotableReplicas(
              sentinels,
              o.masterName || DEFAULT_MASTER_NAME,
              250,
              sentinelPw,
              o.waitFor,
            )).count(self)
        : undefined,
    });
    this.redis.on("ready", () => o.onStatus?.("ready"));
    this.redis.on("error", (err) => o.onStatus?.("error", err));
    defineScripts(this.redis);
    this.run = this.redis as unknown as Record<string, Call>;
    if (o.sentinels)
      this.watch = watchPrimary(
        this.redis,
        o.sentinels,
        o.masterName || DEFAULT_MASTER_NAME,
        (why) => o.onStatus?.("error", new Error(`left a stale primary: ${why}`)),
        2_000,
        sentinelPw,
      );
  }

  /** Resolves once connected; rejects with STORE_UNAVAILABLE (retryable) after `timeoutMs`. */
  async ready(timeoutMs = 10_000): Promise<void> {
    if (this.redis.status === "ready") return;
    await new Promise<void>((resolve, reject) => {
      const onReady = () => {
        clearTimeout(t);
        resolve();
      };
      const t = setTimeout(() => {
        this.redis.off("ready", onReady);
        reject(new TugError("STORE_UNAVAILABLE", `redis is not reachable (${this.redis.status})`));
      }, timeoutMs);
      this.redis.once("ready", onReady);
    });
  }

  /**
   * With replicas that must confirm writes (`--ha`): resolves once a marker write made now is on every replica online
   * at it (durable.ts), so what this connection read before it is the current primary's state, not a deposed
   * primary's (cut off in a minority, it still answers reads, but its replicas confirm nothing); throws
   * STORE_UNAVAILABLE otherwise. At once without replicas. For answers that must not come from stale state.
   */
  async confirmCurrent(): Promise<void> {
    await this.ready(2_000);
    await this.acks.begin()?.confirm();
  }

  /**
   * True unless this store follows Sentinels and its connection is not (now) to the primary they name: a read made
   * before a true answer saw the current state, not a deposed primary's (primary-watch.ts).
   */
  async onPrimary(): Promise<boolean> {
    return this.watch ? this.watch.onPrimary() : true;
  }

  /** True while the connection is usable. */
  get healthy(): boolean {
    return this.redis.status === "ready";
  }

  async close(): Promise<void> {
    this.watch?.stop();
    this.promotable?.stop();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private async call<T>(script: string, ...args: Array<string | number>): Promise<Ok<T>> {
    let raw: string;
    await this.ready(2_000);
    assertRequestLive();
    const sent = this.run[script]!(...args);
    const ack = this.acks.begin();
    try {
      raw = await sent;
    } catch (err) {
      ack?.abandon();
      // a primary without its replicas refuses every script (they are all flagged as writes): perhaps a stale one
      if (/NOREPLICAS|READONLY/.test(String((err as Error)?.message))) void this.watch?.check().catch(() => {});
      throw toTugError(err);
    }
    const r = JSON.parse(raw) as Ok<T> | { ok: false; code: string; message: string };
    if (!r.ok) {
      ack?.abandon();
      throw new TugError(isErrorCode(r.code) ? r.code : "INTERNAL", r.message);
    }
    await ack?.confirm();
    return r;
  }

  private async read<T>(f: () => Promise<T>): Promise<T> {
    await this.ready(2_000);
    assertRequestLive(); // no reads for a request whose sender gave up: its answer has no reader
    try {
      return await f();
    } catch (err) {
      throw toTugError(err);
    }
  }

  // ---- deployments ---------------------------------------------------------------------------------------

  /** Applies a validated manifest (create or update). `expectedGen` -1 = unconditional. */
  async applyDeployment(
    m: Manifest,
    now = Date.now(),
    expectedGen = -1,
  ): Promise<{ revision: number; gen: number; unchanged: boolean }> {
    const id = deploymentId(m.namespace, m.name);
    const box = this.secrets;
    const t = templateOf(m, box && ((name, v) => box.seal(name, "value" in v ? v.value : box.open(name, v.sealed))));
    return this.call(
      "applyDeployment",
      this.k.deployment(id),
      this.k.deployments,
      this.k.revisions(id),
      this.k.events,
      this.k.deploymentReplicas(id),
      this.k.stamps,
      id,
      m.namespace,
      m.name,
      m.replicas,
      JSON.stringify(t),
      templateHash(t),
      JSON.stringify(m.strategy),
      m.autoscale ? JSON.stringify(m.autoscale) : "",
      m.revisionHistoryLimit,
      JSON.stringify(m.labels),
      now,
      expectedGen,
      this.k.replica(""),
      requestDeadlineWallMs(),
    );
  }

  async deleteDeployment(id: string, now = Date.now()): Promise<{ revision: number }> {
    const k = this.k;
    return this.call(
      "deleteDeployment",
      k.deployment(id),
      k.deployments,
      k.events,
      k.stamps,
      id,
      now,
      requestDeadlineWallMs(),
    );
  }

  /**
   * Sets the desired replica count. `expectedGen` (≥ 0) makes it a CAS on the deployment's generation (CONFLICT when
   * it moved); `fence` makes it a leased role's write, refused with STALE_FENCING_TOKEN once a newer holder exists.
   */
  async scaleDeployment(id: string, replicas: number, o: ScaleOptions = {}): Promise<Scaled> {
    const lastScale = o.lastScale ? JSON.stringify(o.lastScale) : "";
    return this.call(
      "scaleDeployment",
      this.k.deployment(id),
      this.k.events,
      this.k.fence(o.fence?.role ?? ""),
      this.k.stamps,
      id,
      replicas,
      o.now ?? Date.now(),
      o.reason ?? "",
      lastScale,
      o.expectedGen ?? -1,
      o.fence ? o.fence.token : "",
      requestDeadlineWallMs(),
    );
  }

  /** Rolls back to `toRevision` (0 = the revision before the current one that is still in history). */
  async rollbackDeployment(
    id: string,
    toRevision: number,
    reason: string,
    expectedGen = -1,
    now = Date.now(),
  ): Promise<{ revision: number; from: number; to: number; gen: number }> {
    const revs = await this.revisions(id);
    const cur = await this.deployment(id);
    if (!cur) throw new TugError("NOT_FOUND", `deployment ${id} does not exist`);
    const target = toRevision > 0 ? toRevision : Math.max(0, ...[...revs.keys()].filter((r) => r < cur.revision));
    const template = revs.get(target);
    if (!template)
      throw new TugError(
        "REVISION_NOT_FOUND",
        `no revision ${toRevision || "before " + cur.revision} in the history of ${id}`,
        "toRevision",
      );
    return this.call(
      "rollbackDeployment",
      this.k.deployment(id),
      this.k.revisions(id),
      this.k.events,
      this.k.stamps,
      id,
      target,
      now,
      reason,
      templateHash(template),
      expectedGen,
      requestDeadlineWallMs(),
    );
  }

  /**
   * Sets status fields (lastGoodRevision, condition, paused, revisionAt), optionally emitting an event. With
   * `expectedGen` ≥ 0 only while the deployment is still at that generation (CONFLICT otherwise); the gen is not
   * bumped.
   */
  async patchDeployment(
    id: string,
    fields: StatusFields,
    event?: { reason: string; message: string },
    now = Date.now(),
    expectedGen = -1,
  ): Promise<void> {
    const pairs: Array<string | number> = [];
    if (fields.lastGoodRevision !== undefined) pairs.push("lastGoodRevision", fields.lastGoodRevision);
    if (fields.condition !== undefined)
      pairs.push("condition", fields.condition ? JSON.stringify(fields.condition) : "");
    if (fields.paused !== undefined) pairs.push("paused", fields.paused ? 1 : 0);
    if (fields.revisionAt !== undefined) pairs.push("revisionAt", fields.revisionAt);
    await this.call(
      "patchDeployment",
      this.k.deployment(id),
      this.k.events,
      this.k.stamps,
      id,
      now,
      event?.reason ?? "",
      event?.message ?? "",
      expectedGen,
      ...pairs,
    );
  }

  async deployment(id: string): Promise<DeploymentRecord | undefined> {
    return toDeployment(await this.read(() => this.redis.hgetall(this.k.deployment(id))));
  }

  /** The autoscale settings of deployment `id` alone (a node's sync needs only these, not the whole record). */
  async deploymentAutoscale(id: string): Promise<DeploymentRecord["autoscale"]> {
    const raw = await this.read(() => this.redis.hget(this.k.deployment(id), "autoscale"));
    return raw ? (JSON.parse(raw) as DeploymentRecord["autoscale"]) : undefined;
  }

  /**
   * The change stamps of deployments `ids`, in order, in one read ("" for one never stamped): every script that
   * changes what a reconcile of a deployment reads (its hash, its replicas, their nodes' status) stamps it anew
   * (lua/_stamp.lua), and a stamp never repeats, so an equal stamp means nothing the controller looks at changed.
   */
  async deploymentStamps(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const got = await this.read(() => this.redis.hmget(this.k.stamps, ...ids));
    return got.map((s) => s ?? "");
  }

  /**
   * A digest of everything a sync answer for `node` is built from (nodeSyncDigest-0.lua): equal digests mean the
   * node's assignments, their templates and its status did not change.
   */
  async nodeSyncDigest(node: string): Promise<string> {
    return this.digest(
      "nodeSyncDigest",
      this.k.node(node),
      this.k.nodeReplicas(node),
      this.k.replica(""),
      this.k.deployment(""),
      this.k.revisions(""),
    );
  }

  /** Runs a read-only digest script (its keys passed as arguments) and returns its digest. */
  private async digest(script: string, ...args: string[]): Promise<string> {
    const raw = await this.read(() => this.run[script]!(...args));
    return (JSON.parse(raw) as { digest: string }).digest;
  }

  async deploymentIds(): Promise<string[]> {
    return this.read(() => this.redis.smembers(this.k.deployments));
  }

  async deployments(): Promise<DeploymentRecord[]> {
    const ids = await this.deploymentIds();
    const hs = await this.hashes(ids.map((id) => this.k.deployment(id)));
    return hs
      .map(toDeployment)
      .filter((d): d is DeploymentRecord => !!d)
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Revision number → template, for the history kept. */
  async revisions(id: string): Promise<Map<number, Template>> {
    const h = await this.read(() => this.redis.hgetall(this.k.revisions(id)));
    return new Map(Object.entries(h).map(([r, t]) => [Number(r), JSON.parse(t) as Template]));
  }

  async template(id: string, revision: number): Promise<Template | undefined> {
    const t = await this.read(() => this.redis.hget(this.k.revisions(id), String(revision)));
    return t ? (JSON.parse(t) as Template) : undefined;
  }

  // ---- replicas ------------------------------------------------------------------------------------------

  /**
   * Creates a Pending replica; with `expectedCount` ≥ 0, only if the deployment has exactly that many replica records;
   * with `plannedGen` ≥ 0, only while the deployment is still at the generation the plan was made from (CONFLICT).
   */
  async createReplica(r: NewReplica, expectedCount = -1, now = Date.now(), plannedGen = -1): Promise<void> {
    await this.call(
      "createReplica",
      this.k.replica(r.id),
      this.k.replicas,
      this.k.deploymentReplicas(r.deployment),
      this.k.pending,
      this.k.events,
      this.k.deployment(r.deployment),
      this.k.stamps,
      r.id,
      r.deployment,
      r.revision,
      r.resources.cpuMillis,
      r.resources.memoryBytes,
      JSON.stringify(r.nodeSelector),
      now,
      expectedCount,
      plannedGen,
    );
  }

  async bindReplica(id: string, node: string, expectedGen: number, now = Date.now()): Promise<{ gen: number }> {
    return this.call(
      "bindReplica",
      this.k.replica(id),
      this.k.node(node),
      this.k.nodeReplicas(node),
      this.k.pending,
      this.k.events,
      this.k.stamps,
      id,
      node,
      expectedGen,
      now,
      this.k.replica(""),
    );
  }

  /**
   * Binds a batch of pending replicas in one Lua call (bindReplicas-3.lua), each checked as `bindReplica` checks
   * one, so a batch never over-commits a node, even racing other schedulers. Returns, per bind in order, the new
   * generation or the code that refused it (CONFLICT, NOT_FOUND, NODE_NOT_READY, INSUFFICIENT_CAPACITY).
   */
  async bindReplicas(
    binds: ReadonlyArray<{ replica: string; node: string; gen: number }>,
    now = Date.now(),
  ): Promise<Array<number | string>> {
    if (binds.length === 0) return [];
    const args = binds.flatMap((b) => [b.replica, b.node, b.gen]);
    const r = await this.call<{ results: Array<number | string> | object }>(
      "bindReplicas",
      this.k.pending,
      this.k.events,
      this.k.stamps,
      now,
      this.k.replica(""),
      this.k.node(""),
      this.k.nodeReplicas(""),
      ...args,
    );
    return Array.isArray(r.results) ? r.results : [];
  }

  /** Ids of the replicas waiting to be bound (one SMEMBERS; read their records only for the ids that matter). */
  async pendingIds(): Promise<string[]> {
    return this.read(() => this.redis.smembers(this.k.pending));
  }

  async markUnschedulable(id: string, expectedGen: number, reason: string, message: string): Promise<void> {
    await this.call("markUnschedulable", this.k.replica(id), this.k.stamps, expectedGen, reason, message);
  }

  /**
   * Retires a replica (desired stop, out of the endpoints); with `expectedGen` ≥ 0 only while the replica is at that
   * gen, and with `planned` only while its deployment is still at the generation the plan was made from (CONFLICT).
   */
  async retireReplica(
    id: string,
    reason: string,
    expectedGen = -1,
    now = Date.now(),
    planned?: Planned,
  ): Promise<void> {
    await this.call(
      "retireReplica",
      this.k.replica(id),
      this.k.pending,
      this.k.endpointsIndex,
      this.k.events,
      this.k.deployment(planned?.deployment ?? ""),
      this.k.stamps,
      id,
      expectedGen,
      reason,
      now,
      planned?.gen ?? -1,
    );
  }

  async removeReplica(
    r: Pick<ReplicaRecord, "id" | "deployment">,
    reason: string,
    expectedGen = -1,
    now = Date.now(),
  ): Promise<void> {
    await this.call(
      "removeReplica",
      this.k.replica(r.id),
      this.k.replicas,
      this.k.deploymentReplicas(r.deployment),
      this.k.pending,
      this.k.endpointsIndex,
      this.k.events,
      this.k.deployment(r.deployment),
      this.k.revisions(r.deployment),
      this.k.stamps,
      r.id,
      expectedGen,
      this.k.nodeReplicas(""),
      reason,
      now,
    );
  }

  /** Applies one observed status from `node` (fenced: only the bound node may report). */
  async reportReplica(
    node: string,
    host: string,
    s: ReplicaStatus,
    now = Date.now(),
  ): Promise<{ changed: boolean; readyChanged: boolean; deployment: string }> {
    // Workers stamp lastExit when the exit happens; older workers only send exitCode (stamped here, on report).
    const lastExit = s.lastExit
      ? JSON.stringify(s.lastExit)
      : s.exitCode !== undefined
        ? JSON.stringify({ code: s.exitCode ?? null, reason: s.reason ?? "", at: now })
        : "";
    return this.call(
      "reportReplica",
      this.k.replica(s.id),
      this.k.endpointsIndex,
      this.k.events,
      this.k.stamps,
      s.id,
      node,
      s.phase,
      s.ready ? 1 : 0,
      host,
      s.hostPort ?? "",
      s.restarts,
      lastExit,
      s.reason ?? "",
      s.message ?? "",
      now,
    );
  }

  async replica(id: string): Promise<ReplicaRecord | undefined> {
    return toReplica(await this.read(() => this.redis.hgetall(this.k.replica(id))));
  }

  async replicasByIds(ids: string[]): Promise<ReplicaRecord[]> {
    const hs = await this.hashes(ids.map((id) => this.k.replica(id)));
    return hs.map(toReplica).filter((r): r is ReplicaRecord => !!r);
  }

  async replicaIds(): Promise<string[]> {
    return this.read(() => this.redis.smembers(this.k.replicas));
  }

  async replicas(): Promise<ReplicaRecord[]> {
    return (await this.replicasByIds(await this.replicaIds())).sort((a, b) => a.id.localeCompare(b.id));
  }

  async replicasOfDeployment(id: string): Promise<ReplicaRecord[]> {
    return this.replicasByIds(await this.read(() => this.redis.smembers(this.k.deploymentReplicas(id))));
  }

  /** How many replica records each of `nodes` has bound to it (one SCARD each, pipelined), in the same order. */
  async replicaCountsOfNodes(nodes: readonly string[]): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < nodes.length; i += HASH_BATCH) {
      const res = await this.read(() => {
        const p = this.redis.pipeline();
        for (const n of nodes.slice(i, i + HASH_BATCH)) p.scard(this.k.nodeReplicas(n));
        return p.exec();
      });
      for (const [err, n] of res ?? []) {
        if (err) throw toTugError(err);
        out.push(Number(n));
      }
    }
    return out;
  }

  async replicasOfNode(node: string): Promise<ReplicaRecord[]> {
    return this.replicasByIds(await this.read(() => this.redis.smembers(this.k.nodeReplicas(node))));
  }

  async pendingReplicas(): Promise<ReplicaRecord[]> {
    return this.replicasByIds(await this.read(() => this.redis.smembers(this.k.pending)));
  }

  /** Deployment ids that still have replica records (including orphans of deleted deployments). */
  async deploymentIdsWithReplicas(): Promise<string[]> {
    const out: string[] = [];
    let cursor = "0";
    const match = this.k.deploymentReplicas("*");
    const skip = this.k.deploymentReplicas("").length;
    do {
      const [next, batch] = await this.read(() => this.redis.scan(cursor, "MATCH", match, "COUNT", 500));
      cursor = next;
      for (const key of batch) out.push(key.slice(skip));
    } while (cursor !== "0");
    return out;
  }

  // ---- nodes ---------------------------------------------------------------------------------------------

  async heartbeatNode(
    hb: Heartbeat,
    now = Date.now(),
  ): Promise<{ status: string; restarted: boolean; becameReady: boolean }> {
    return this.call(
      "heartbeatNode",
      this.k.node(hb.node),
      this.k.nodes,
      this.k.events,
      this.k.heartbeats,
      this.k.stamps,
      hb.node,
      hb.address,
      hb.capacity.cpuMillis,
      hb.capacity.memoryBytes,
      JSON.stringify(hb.labels),
      hb.driver,
      hb.instance,
      now,
      hb.stretchedMs ?? 0,
      this.k.nodeReplicas(""),
      this.k.replica(""),
    );
  }

  /**
   * Applies many heartbeats in one Lua call, each as `heartbeatNode` applies one; returns the nodes that registered,
   * restarted (a new instance) or became Ready, the ones that need hints.
   */
  async heartbeatNodes(
    hbs: readonly Heartbeat[],
    now = Date.now(),
  ): Promise<Array<{ id: string; restarted: boolean; becameReady: boolean }>> {
    if (hbs.length === 0) return [];
    const args = hbs.flatMap((hb) => [
      hb.node,
      hb.address,
      hb.capacity.cpuMillis,
      hb.capacity.memoryBytes,
      JSON.stringify(hb.labels),
      hb.driver,
      hb.instance,
      hb.stretchedMs ?? 0,
    ]);
    const r = await this.call<{ changed: Array<{ id: string; restarted: boolean; becameReady: boolean }> | object }>(
      "heartbeatNodes",
      this.k.nodes,
      this.k.events,
      this.k.heartbeats,
      this.k.stamps,
      now,
      this.k.node(""),
      this.k.nodeReplicas(""),
      this.k.replica(""),
      ...args,
    );
    return Array.isArray(r.changed) ? r.changed : [];
  }

  /**
   * Records a heartbeat of each node in `ids` whose registration is already written (the health-monitor sends a full
   * beat through `heartbeatNodes` whenever what it registers changed): returns the nodes that became Ready, and the
   * unknown ones (no record: their next beat must be a full one).
   */
  async touchNodes(
    ids: readonly string[],
    now = Date.now(),
  ): Promise<{ changed: Array<{ id: string; restarted: boolean; becameReady: boolean }>; unknown: string[] }> {
    if (ids.length === 0) return { changed: [], unknown: [] };
    const r = await this.call<{ changed: unknown; unknown: unknown }>(
      "touchNodes",
      this.k.nodes,
      this.k.events,
      this.k.heartbeats,
      this.k.stamps,
      now,
      this.k.node(""),
      this.k.nodeReplicas(""),
      this.k.replica(""),
      ...ids,
    );
    // cjson encodes an empty list as {}
    return {
      changed: Array.isArray(r.changed)
        ? (r.changed as Array<{ id: string; restarted: boolean; becameReady: boolean }>)
        : [],
      unknown: Array.isArray(r.unknown) ? (r.unknown as string[]) : [],
    };
  }

  /** Ids of the nodes whose last heartbeat is older than `cutoff` (ms), from the heartbeat index. */
  async silentNodeIds(cutoff: number): Promise<string[]> {
    return this.read(() => this.redis.zrangebyscore(this.k.heartbeats, "-inf", `(${cutoff}`));
  }

  async markNodeNotReady(node: string, cutoff: number, now = Date.now()): Promise<{ changed: boolean }> {
    return this.call(
      "markNodeNotReady",
      this.k.node(node),
      this.k.nodeReplicas(node),
      this.k.endpointsIndex,
      this.k.events,
      this.k.stamps,
      node,
      cutoff,
      now,
      this.k.replica(""),
    );
  }

  /** Declares the replicas of a node NotReady since before `cutoff` Lost, except the ids in `keep` (held for now). */
  async markNodeLost(
    node: string,
    cutoff: number,
    now = Date.now(),
    keep: readonly string[] = [],
  ): Promise<{ lost: number }> {
    return this.call(
      "markNodeLost",
      this.k.node(node),
      this.k.nodeReplicas(node),
      this.k.events,
      this.k.stamps,
      node,
      cutoff,
      now,
      this.k.replica(""),
      JSON.stringify(keep),
    );
  }

  /** Cordons, uncordons or drains `node`; with `expectedGen` ≥ 0 only while the node is at that gen (CONFLICT). */
  async cordonNode(
    node: string,
    mode: "cordon" | "uncordon" | "drain",
    now = Date.now(),
    expectedGen = -1,
  ): Promise<Gen> {
    const k = this.k;
    const keys = [k.node(node), k.events, k.nodeReplicas(node), k.stamps];
    return this.call("cordonNode", ...keys, node, mode, now, expectedGen, k.replica(""));
  }

  async node(id: string): Promise<NodeRecord | undefined> {
    return toNode(await this.read(() => this.redis.hgetall(this.k.node(id))));
  }

  /** The records of the nodes `ids` that exist (one pipelined read; for a deployment's own nodes). */
  async nodesByIds(ids: Iterable<string>): Promise<NodeRecord[]> {
    const hs = await this.hashes([...new Set(ids)].map((id) => this.k.node(id)));
    return hs.map(toNode).filter((n): n is NodeRecord => !!n);
  }

  async nodes(): Promise<NodeRecord[]> {
    const ids = await this.read(() => this.redis.smembers(this.k.nodes));
    const hs = await this.hashes(ids.map((id) => this.k.node(id)));
    return hs
      .map(toNode)
      .filter((n): n is NodeRecord => !!n)
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  // ---- events, endpoints index, leases -------------------------------------------------------------------

  /** Events after stream id `since` (exclusive; "0" = from the start), oldest first. */
  async events(since = "0", count = 1000): Promise<ClusterEvent[]> {
    const start = since === "0" ? "-" : `(${since}`;
    const rows = await this.read(() => this.redis.xrange(this.k.events, start, "+", "COUNT", count));
    return rows.map(([id, fields]) => {
      const f: Record<string, string> = {};
      for (let i = 0; i < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
      return {
        id,
        at: Number(f.at),
        kind: f.kind ?? "",
        object: f.object ?? "",
        reason: f.reason ?? "",
        message: f.message ?? "",
      };
    });
  }

  /** Version of a deployment's endpoint set; increases whenever a replica of it gains or loses readiness. */
  async endpointsIndex(id: string): Promise<number> {
    return Number((await this.read(() => this.redis.hget(this.k.endpointsIndex, id))) ?? 0);
  }

  /** Every deployment's endpoint index (deployment id → index) in one read, for change feeds. */
  async endpointsIndexes(): Promise<Map<string, number>> {
    const h = await this.read(() => this.redis.hgetall(this.k.endpointsIndex));
    return new Map(Object.entries(h).map(([id, v]) => [id, Number(v)]));
  }

  /** Takes or renews the lease of `role` for `holder`; `held` says whether we have it, `token` is the fence. */
  async acquireLease(
    role: string,
    holder: string,
    ttlMs: number,
  ): Promise<{ held: boolean; token: number; holder: string }> {
    return this.call("acquireLease", this.k.lease(role), this.k.fence(role), holder, ttlMs);
  }

  private async hashes(keyList: string[]): Promise<Array<Record<string, string>>> {
    const out: Array<Record<string, string>> = [];
    // in pipelines of HASH_BATCH, one after another: the replies of one batch are decoded in one turn of the event
    // loop, so a deployment of thousands of replicas does not hold up everything else the process does for 100s of ms
    for (let i = 0; i < keyList.length; i += HASH_BATCH) {
      const batch = keyList.slice(i, i + HASH_BATCH);
      const res = await this.read(() => {
        const p = this.redis.pipeline();
        for (const key of batch) p.hgetall(key);
        return p.exec();
      });
      for (const [err, h] of res ?? []) {
        if (err) throw toTugError(err);
        out.push(h as Record<string, string>);
      }
    }
    return out;
  }
}
