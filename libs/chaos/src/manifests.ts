/** The deployments a chaos workload applies: small, cheap, explicit rollout strategy, no auto-rollback. */
import type { ChaosDriver } from "./options.js";

/** maxSurge of every chaos deployment (the ready-count invariant allows desired + this). */
export const CHAOS_MAX_SURGE = 1;

/** Name of the i-th chaos deployment (namespace `default`). */
export function chaosName(i: number): string {
  return `chaos-${i}`;
}

/** Manifest of a chaos deployment at `replicas` copies and roll generation `roll` (env change → new revision). */
export function chaosManifest(i: number, replicas: number, roll: number, driver: ChaosDriver): Record<string, unknown> {
  const base = {
    kind: "Deployment", name: chaosName(i), namespace: "default", replicas,
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
