/** The state invariants, each a pure function of a snapshot (and the ledger), reporting into a ViolationBook. */
import type { AckLedger } from "./ledger.js";
import type { Snapshot } from "./snapshot.js";
import type { ViolationBook } from "./violations.js";

/**
 * Every acknowledged deployment exists with the acknowledged replica count and revision, and every acknowledged
 * delete is gone (unless a change is in flight).
 */
export function checkAcked(s: Snapshot, ledger: AckLedger, epochs: Map<string, number>, book: ViolationBook): void {
  for (const [id, epoch] of epochs) {
    if (ledger.epoch(id) !== epoch || ledger.uncertain(id)) continue;
    const a = ledger.acked(id);
    if (!a) continue;
    const d = s.deployments.get(id);
    if (a.deleted) {
      if (d)
        book.add(
          "ack-lost",
          id,
          `delete acknowledged (revision ${a.revision}) but Redis still has revision ${d.revision}`,
        );
    } else if (!d)
      book.add("ack-lost", id, `acknowledged (replicas ${a.replicas}, revision ${a.revision}) but missing from Redis`);
    else if (d.replicas !== a.replicas || d.revision !== a.revision) {
      book.add(
        "ack-lost",
        id,
        `acknowledged replicas ${a.replicas} revision ${a.revision}, ` +
          `Redis has replicas ${d.replicas} revision ${d.revision}`,
      );
    }
  }
}

/**
 * Never more ready replicas than the largest desired count of the last `windowMs` plus maxSurge. A count superseded
 * while the controller could not act (not running, or Redis down) stays allowed until it could for `windowMs`
 * (`controllerUpSince`): a scale-down's surplus can only be retired by a running controller that reaches Redis.
 */
export function checkSurge(
  s: Snapshot,
  ledger: AckLedger,
  maxSurge: number,
  windowMs: number,
  book: ViolationBook,
  controllerUpSince = Number.NEGATIVE_INFINITY,
): void {
  const ready = new Map<string, string[]>();
  for (const r of s.replicas) {
    if (r.ready) ready.set(r.deployment, [...(ready.get(r.deployment) ?? []), `${r.id} on ${r.node ?? "-"}`]);
  }
  for (const [id, which] of ready) {
    const bound = ledger.maxDesiredSince(id, windowMs, s.at, controllerUpSince) + maxSurge;
    if (which.length > bound)
      book.add(
        "too-many-ready",
        id,
        `${which.length} ready replicas (${which.join(", ")}), at most ${bound} allowed ` +
          `(max desired in the last ${windowMs / 1000} s + maxSurge ${maxSurge})`,
      );
  }
}

/** No node holds bound replicas whose requests sum past its capacity. */
export function checkCapacity(s: Snapshot, book: ViolationBook): void {
  const used = new Map<string, { cpu: number; mem: number; n: number }>();
  for (const r of s.replicas) {
    if (!r.node) continue;
    const u = used.get(r.node) ?? { cpu: 0, mem: 0, n: 0 };
    u.cpu += r.resources.cpuMillis;
    u.mem += r.resources.memoryBytes;
    u.n++;
    used.set(r.node, u);
  }
  for (const n of s.nodes) {
    const u = used.get(n.id);
    if (u && (u.cpu > n.capacity.cpuMillis || u.mem > n.capacity.memoryBytes)) {
      book.add(
        "node-overcommit",
        n.id,
        `${u.n} replicas request ${u.cpu}m cpu / ${u.mem} B, ` +
          `capacity ${n.capacity.cpuMillis}m / ${n.capacity.memoryBytes} B`,
      );
    }
  }
}
