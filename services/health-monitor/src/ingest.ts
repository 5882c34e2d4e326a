/**
 * Ingests worker heartbeats (in batches, see beats.ts) and status reports into Redis. Status is applied per replica
 * through a fenced Lua script (only the bound node may report); unchanged statuses are skipped, and each node's are
 * applied again once in a while (spread over time, so no burst), the safety net.
 */
import type { Bus } from "@tug/bus";
import {
  heartbeatSchema,
  nodeFromSubject,
  type ReplicaStatus,
  statusSchema,
  subjects,
  TugError,
  validate,
} from "@tug/contracts";
import type { Logger } from "@tug/log";
import type { StateStore } from "@tug/state";
import { HeartbeatBatcher } from "./beats.js";

/** Least age of what the status cache says of a node before its statuses are applied again (the safety net). */
const STATUS_REAPPLY_MS = 300_000;

/**
 * Remembers the last status applied per replica, so a steady state costs no Redis writes. With more than one
 * health-monitor each sees only some of a node's reports; what it remembers is stale once another applied one in
 * between, so a report that is not the next of the same worker instance (`follows`) makes it forget the node. What a
 * node's entries say expires between `maxAgeMs` and twice that after they were started (where in that range depends
 * on the node id), so the re-applies of the safety net are spread over time instead of coming all at once.
 */
export class StatusCache {
  /** node → when its entries expire, and replica id → the status last applied, as JSON. */
  private seen = new Map<string, { expiresAt: number; of: Map<string, string> }>();
  private last = new Map<string, { instance: string; seq: number }>();
  constructor(private readonly maxAgeMs = 10_000) {}

  /**
   * Records report `seq` of worker `instance` on `node` as the one being applied; forgets the node's entries unless
   * it follows the report this cache saw last. Reports without a number (older workers) change nothing.
   */
  follows(node: string, instance: string, seq: number | undefined): void {
    if (seq === undefined) return;
    const prev = this.last.get(node);
    if (!prev || prev.instance !== instance || prev.seq + 1 !== seq) this.forgetNode(node);
    this.last.set(node, { instance, seq });
  }

  /** True when `s` differs from what was last applied (or the node's entries expired). */
  isNew(node: string, s: ReplicaStatus, now: number): boolean {
    let entry = this.seen.get(node);
    if (!entry || now >= entry.expiresAt) {
      entry = { expiresAt: now + this.maxAgeMs * (1 + spreadOf(node)), of: new Map() };
      this.seen.set(node, entry);
    }
    const val = JSON.stringify(s);
    if (entry.of.get(s.id) === val) return false;
    entry.of.set(s.id, val);
    return true;
  }

  /** Drops the entry of replica `id` of `node` (its status was not applied). */
  forget(node: string, id: string): void {
    this.seen.get(node)?.of.delete(id);
  }

  /** Drops every entry of `node` (its replicas' readiness may have been reset by the sweep). */
  forgetNode(node: string): void {
    this.seen.delete(node);
  }
}

/** A fraction in [0, 1) fixed per node id (FNV-1a, then murmur3's finalizer to spread similar ids apart). */
function spreadOf(node: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < node.length; i++) h = Math.imul(h ^ node.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
}

/** Subscribes to heartbeats and status reports of every node (queue group "health-monitor"). */
export function ingest(bus: Bus, store: StateStore, log: Logger): void {
  // each node's statuses are applied again every 5–10 minutes (one Lua call per replica), spread over that time
  const cache = new StatusCache(STATUS_REAPPLY_MS);
  const beats = new HeartbeatBatcher(
    store,
    (r) => {
      if (r.restarted) bus.publish(subjects.nodeAssign(r.id), "hint", {});
      cache.forgetNode(r.id);
      bus.publish(subjects.hint("node", r.id), "hint", { id: r.id });
    },
    log,
  );
  bus.subscribe(
    subjects.nodeAny("heartbeat"),
    (env, subject) => {
      const hb = validate(heartbeatSchema, env.body, "heartbeat");
      if (nodeFromSubject(subject) !== hb.node)
        throw new TugError("VALIDATION_FAILED", "heartbeat node does not match its subject", "node");
      beats.add(hb);
    },
    { queue: "health-monitor" },
  );

  bus.subscribe(
    subjects.nodeAny("status"),
    async (env, subject) => {
      const st = validate(statusSchema, env.body, "status");
      if (nodeFromSubject(subject) !== st.node)
        throw new TugError("VALIDATION_FAILED", "status node does not match its subject", "node");
      const now = Date.now();
      cache.follows(st.node, st.instance, st.seq);
      // nothing to apply: what it repeats was applied (by this health-monitor or another), or, if the full report
      // before it was lost, the worker's next full one (at most TUG_STATUS_FULL_MS away) applies it
      if (st.unchanged) return;
      const deployments = new Set<string>();
      const endpoints = new Set<string>();
      // pipelined: one report's replicas go to Redis at once (each its own fenced Lua call), not one round trip each
      await Promise.all(
        st.replicas
          .filter((s) => cache.isNew(st.node, s, now))
          .map(async (s) => {
            try {
              const r = await store.reportReplica(st.node, st.address, s, now);
              if (r.changed) deployments.add(r.deployment);
              if (r.readyChanged) endpoints.add(r.deployment);
            } catch (err) {
              cache.forget(st.node, s.id);
              if (err instanceof TugError && (err.code === "STALE_FENCING_TOKEN" || err.code === "NOT_FOUND")) {
                log.debug(
                  { node: st.node, replica: s.id, code: err.code },
                  "status for a replica the node does not own",
                );
                return;
              }
              throw err;
            }
          }),
      );
      for (const id of deployments) bus.publish(subjects.hint("deployment", id), "hint", { id });
      for (const id of endpoints) bus.publish(subjects.hint("endpoints", id), "hint", { id });
    },
    // each report is its replicas' pipelined Lua calls: a few at once keep Redis busy, a burst waits its turn
    { queue: "health-monitor", concurrency: 16 },
  );
}
