/**
 * Records stored in Redis (as JSON) and shown by the API. Redis is the truth; these types are its schema.
 * `gen` on every record is the compare-and-set version checked by the Lua scripts.
 */
import type { Autoscale, Strategy, Template } from "./manifest.js";

/** A deployment's id is `namespace/name`. */
export function deploymentId(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export interface DeploymentRecord {
  id: string;
  namespace: string;
  name: string;
  /** Desired replica count. */
  replicas: number;
  /** The revision the deployment is moving to (or sits at). */
  revision: number;
  template: Template;
  strategy: Strategy;
  autoscale?: Autoscale;
  revisionHistoryLimit: number;
  labels: Record<string, string>;
  paused: boolean;
  /** When the current revision started (ms): set when a template change or a rollback creates it. */
  revisionAt?: number;
  /** Last revision that became fully available; auto-rollback goes back to it. */
  lastGoodRevision?: number;
  /** Why the deployment is in its current state (e.g. rolled back because ...). */
  condition?: { type: string; reason: string; message: string; at: number };
  /** Last scaling decision by the autoscaler. */
  lastScale?: { from: number; to: number; reason: string; at: number };
  gen: number;
  createdAt: number;
  updatedAt: number;
}

/** Phases a replica goes through. `Lost` = its node stopped answering; the controller replaces it. */
export const REPLICA_PHASES = [
  "Pending",
  "Scheduled",
  "Starting",
  "Running",
  "CrashLoopBackOff",
  "Failed",
  "Succeeded",
  "Stopped",
  "Lost",
] as const;
export type ReplicaPhase = (typeof REPLICA_PHASES)[number];

export interface ReplicaRecord {
  id: string;
  deployment: string;
  revision: number;
  /** Bound node, or null while pending. */
  node: string | null;
  /** run: keep it running; stop: retire it (drain, stop, then the record is removed). */
  desired: "run" | "stop";
  phase: ReplicaPhase;
  ready: boolean;
  host?: string;
  hostPort?: number;
  restarts: number;
  /** The last exit: code, reason, when, and what it printed last (a short tail) when the driver kept it. */
  lastExit?: { code: number | null; reason: string; at: number; message?: string };
  reason?: string;
  message?: string;
  resources: { cpuMillis: number; memoryBytes: number };
  nodeSelector: Record<string, string>;
  gen: number;
  createdAt: number;
  updatedAt: number;
  readySince?: number;
}

export interface NodeRecord {
  id: string;
  address: string;
  capacity: { cpuMillis: number; memoryBytes: number };
  labels: Record<string, string>;
  driver: string;
  status: "Ready" | "NotReady";
  cordoned: boolean;
  /** Cordoned and moving its replicas away (replacement first, then the old copy stops). */
  draining: boolean;
  /** Worker process instance; a change means the worker restarted. */
  instance: string;
  lastHeartbeat: number;
  /** The period the node beats at when the cluster's heartbeat budget stretched it (heartbeat `stretchedMs`). */
  stretchedBeatMs?: number;
  notReadySince?: number;
  registeredAt: number;
  gen: number;
}

/** One event in the cluster's event stream. */
export interface ClusterEvent {
  id: string;
  at: number;
  kind: string;
  object: string;
  reason: string;
  message: string;
}
