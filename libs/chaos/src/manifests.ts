/** The deployments a chaos workload applies: small, cheap, explicit rollout strategy, no auto-rollback. */
import type { ChaosDriver } from "./options.js";

/** maxSurge of every chaos deployment (the ready-count invariant allows desired + this). */
export const CHAOS_MAX_SURGE = 1;

/** Name of the i-th chaos deployment (namespace `default`). */
export function chaosName(i: number): string {
  return `chaos-${i}`;
}

/**
 * `disconnect.stopAfterSeconds` of the odd chaos deployments on a hosts lab (the even ones keep running when cut off).
 */
export const CHAOS_STOP_AFTER_S = 3;

/** True when chaos deployment `name` is one that must never run twice (odd index, on a hosts lab). */
export function isGuarded(name: string, hosts: boolean): boolean {
  const m = /^chaos-(\d+)$/.exec(name);
  return hosts && !!m && Number(m[1]) % 2 === 1;
}

/**
 * Manifest of a chaos deployment at `replicas` copies and roll generation `roll` (env change → new revision). On a
 * hosts lab (`hosts`), the odd ones set `disconnect.stopAfterSeconds`.
 */
export function chaosManifest(
  i: number,
  replicas: number,
  roll: number,
  driver: ChaosDriver,
  hosts = false,
): Record<string, unknown> {
  const base = {
    ...(isGuarded(chaosName(i), hosts) ? { disconnect: { stopAfterSeconds: CHAOS_STOP_AFTER_S } } : {}),
    kind: "Deployment",
    name: chaosName(i),
    namespace: "default",
    replicas,
    env: { CHAOS_ROLL: String(roll) },
    resources: { cpu: 0.1, memory: "16Mi" },
    strategy: { maxSurge: CHAOS_MAX_SURGE, maxUnavailable: 0, progressDeadlineSeconds: 3_600, autoRollback: false },
    terminationGracePeriodSeconds: 2,
  };
  if (driver === "fake") return { ...base, command: ["sleep", "infinity"] };
  return {
    ...base,
    command: ["node", "examples/web/server.js"],
    ports: [{ name: "http", containerPort: 8080 }],
    readinessProbe: { http: { path: "/healthz", port: "http" }, periodSeconds: 0.5, failureThreshold: 2 },
  };
}
