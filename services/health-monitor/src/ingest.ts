/**
 * Ingests worker heartbeats (in batches, see beats.ts) and status reports into Redis. Status is applied per replica
 * through a fenced Lua script (only the bound node may report); unchanged statuses are skipped, with a periodic full
 * re-apply.
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

/**
 * Remembers the last status applied per replica, so a steady state costs no Redis writes. With more than one
 * health-monitor each sees only some of a node's reports; what it remembers is stale once another applied one in
 * between, so a report that is not the next of the same worker instance (`follows`) makes it forget the node.
 */
export class StatusCache {
  /** node → replica id → the status last applied, as JSON. */
  private seen = new Map<string, Map<string, string>>();
  private last = new Map<string, { instance: string; seq: number }>();
  private resetAt = 0;
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

  /** True when `s` differs from what was last applied (or the cache expired). */
  isNew(node: string, s: ReplicaStatus, now: number): boolean {
    if (now - this.resetAt > this.maxAgeMs) {
      this.seen.clear();
      this.resetAt = now;
    }
    const val = JSON.stringify(s);
    const of = this.seen.get(node) ?? new Map<string, string>();
    if (of.get(s.id) === val) return false;
    of.set(s.id, val);
    this.seen.set(node, of);
    return true;
  }

  /** Drops the entry of replica `id` of `node` (its status was not applied). */
  forget(node: string, id: string): void {
    this.seen.get(node)?.delete(id);
  }

  /** Drops every entry of `node` (its replicas' readiness may have been reset by the sweep). */
  forgetNode(node: string): void {
    this.seen.delete(node);
  }
}

/** Subscribes to heartbeats and status reports of every node (queue group "health-monitor"). */
export function ingest(bus: Bus, store: StateStore, log: Logger): void {
  // a full re-apply once a minute: each one costs a Lua call per replica of the cluster
  const cache = new StatusCache(60_000);
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
