/**
 * The workload of the HA tests (`tug up --ha` and compose.ha.yaml): small deployments applied concurrently around a
 * fault, the outcome of each (acknowledged or refused), the refused ones applied again until acknowledged, and the
 * check that every acknowledged apply is in the final state at its acknowledged revision and count, all ready.
 */
import type { Bus } from "@tug/bus";
import { subjects } from "@tug/contracts";
import type { RedisStore } from "@tug/state";
import { expectCount, intake, readyReplicas } from "./helpers.js";

/** What an apply's acknowledgement promised. */
export type Acked = { replicas: number; revision: number };

/** A deployment of `replicas` idle copies of `command` (default `sleep 3600`) with tiny requests (process driver). */
export function sleeper(name: string, replicas: number, command = ["sleep", "3600"]): Record<string, unknown> {
  return {
    name,
    namespace: "default",
    replicas,
    command,
    resources: { cpu: 0.01, memory: "8Mi" },
  };
}

/** Outcome of applies sent around a fault: acknowledged ones by id, refused ones by index with their error code. */
export interface AppliesOutcome {
  acked: Map<string, Acked>;
  refused: Array<{ i: number; code: string }>;
}

/**
 * Sends `count` applies of `manifest(i)` (one every 25 ms, each waiting up to 10 s for its reply) and runs `fault`
 * 120 ms after the first: some are in flight while it strikes.
 */
export async function appliesAroundFault(
  bus: Bus,
  count: number,
  manifest: (i: number) => Record<string, unknown>,
  fault: () => unknown,
): Promise<AppliesOutcome> {
  const out: AppliesOutcome = { acked: new Map(), refused: [] };
  const send = async (i: number) => {
    const m = manifest(i);
    try {
      const r = await bus.request<Acked>(subjects.desired("apply"), "desired.apply", m, 10_000);
      out.acked.set(`${String(m.namespace)}/${String(m.name)}`, { replicas: r.replicas, revision: r.revision });
    } catch (err) {
      out.refused.push({ i, code: (err as { code?: string }).code ?? String(err) });
    }
  };
  const inFlight = Array.from({ length: count }, (_, i) =>
    new Promise((r) => setTimeout(r, i * 25)).then(() => send(i)),
  );
  await new Promise((r) => setTimeout(r, 120));
  await fault();
  await Promise.all(inFlight);
  return out;
}

/** Applies each refused manifest again (retrying while the control plane recovers) until it is acknowledged. */
export async function reapplyRefused(
  bus: Bus,
  o: AppliesOutcome,
  manifest: (i: number) => Record<string, unknown>,
): Promise<void> {
  for (const { i } of o.refused) {
    const m = manifest(i);
    const r = await intake<Acked>(bus, "apply", m, 60_000);
    o.acked.set(`${String(m.namespace)}/${String(m.name)}`, { replicas: r.replicas, revision: r.revision });
  }
}

/** Throws unless every acknowledged deployment is there at its acknowledged revision and count, all ready. */
export async function converged(store: RedisStore, acked: Map<string, Acked>): Promise<void> {
  for (const [id, w] of acked) {
    const d = await store.deployment(id);
    if (!d) throw new Error(`${id} is missing: an acknowledged apply was lost`);
    if (d.replicas !== w.replicas || d.revision !== w.revision) {
      throw new Error(`${id}: replicas ${d.replicas} revision ${d.revision}, acknowledged ${w.replicas}/${w.revision}`);
    }
    expectCount(`${id} ready`, (await readyReplicas(store, id)).length, w.replicas);
  }
}
