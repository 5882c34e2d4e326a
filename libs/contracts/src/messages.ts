/** Bodies of bus messages, each with its zod schema; receivers validate every body before use. */
import { z } from "zod";
import { expectGenerationSchema, type Template } from "./manifest.js";
import type { ReplicaRecord } from "./model.js";
import { REPLICA_PHASES } from "./model.js";

const id = z.string().min(1).max(253);
const name = z.string().min(1).max(63);
const resources = z.object({ cpuMillis: z.number().int().min(0), memoryBytes: z.number().int().min(0) });

/** Worker → health-monitor, every heartbeat period. Also registers the node (capacity, labels). */
export const heartbeatSchema = z.object({
  node: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
  instance: z.string().min(1).max(128),
  seq: z.number().int().min(0),
  address: z.string().min(1).max(253),
  capacity: resources,
  labels: z.record(z.string().max(63), z.string().max(63)).default({}),
  driver: z.string().max(32),
  /**
   * The period this node beats at when the health-monitor asked it to beat more slowly than its own setting (the
   * cluster's heartbeat budget); absent otherwise. The node grace stretches to cover it.
   */
  stretchedMs: z.number().int().min(1).max(3_600_000).optional(),
});
export type Heartbeat = z.output<typeof heartbeatSchema>;

/** Observed state of one replica, as the worker sees it. */
export const replicaStatusSchema = z.object({
  id,
  phase: z.enum(REPLICA_PHASES),
  ready: z.boolean(),
  hostPort: z.number().int().min(0).max(65535).optional(),
  restarts: z.number().int().min(0).default(0),
  exitCode: z.number().int().nullable().optional(),
  /** The last exit, stamped when it happened (reason and code survive the restart that follows). */
  lastExit: z
    .object({
      code: z.number().int().nullable(),
      reason: z.string().max(256),
      at: z.number().int().min(0),
      message: z.string().max(4096).optional(),
    })
    .optional(),
  reason: z.string().max(256).optional(),
  message: z.string().max(4096).optional(),
});
export type ReplicaStatus = z.output<typeof replicaStatusSchema>;

/** Worker → health-monitor: observed state of the replicas it runs. */
export const statusSchema = z
  .object({
    node: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
    instance: z.string().min(1).max(128),
    address: z.string().min(1).max(253),
    replicas: z.array(replicaStatusSchema).max(10_000),
    /** Milliseconds since the worker's last answered sync, by its own clock (what it can have learned by now). */
    sinceSyncMs: z.number().int().min(0).optional(),
    /**
     * The report's number among this worker instance's reports (0, 1, 2…): a health-monitor skips an unchanged replica
     * status only when the report before it of the same instance was applied by itself, not by another instance.
     */
    seq: z.number().int().min(0).optional(),
    /** The worker's digest of `replicas` (compared by receivers, never recomputed). */
    digest: z.string().min(1).max(64).optional(),
    /**
     * Nothing changed: the replicas are those of this worker instance's last full report, whose digest is `digest`,
     * and `replicas` is empty. Workers send a full report on every change and at least every TUG_STATUS_FULL_MS.
     */
    unchanged: z.literal(true).optional(),
  })
  .refine((r) => !r.unchanged || (r.digest !== undefined && r.replicas.length === 0), {
    message: "an unchanged report carries a digest and no replicas",
    path: ["unchanged"],
  });
export type StatusReport = z.output<typeof statusSchema>;

/** Worker → autoscaler: usage per replica. */
export const metricsSchema = z.object({
  node: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
  replicas: z
    .array(
      z.object({ id, deployment: z.string().max(253), cpuPercent: z.number().min(0), memoryBytes: z.number().min(0) }),
    )
    .max(10_000),
});
export type MetricsReport = z.output<typeof metricsSchema>;

/** Worker → health-monitor request: give me my assignments. */
export const syncRequestSchema = z.object({
  node: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
  /** The digest of the answer the node holds: when nothing changed since, the answer is `unchanged`. */
  digest: z.string().max(128).optional(),
});

/** One assignment: a replica the node must run (or stop), with the template of its revision. */
export interface Assignment {
  replica: Pick<ReplicaRecord, "id" | "deployment" | "revision" | "desired" | "gen">;
  template: Template;
  /** Sample this replica's CPU and memory for the autoscaler (its deployment autoscales on CPU). */
  sampleUsage?: boolean;
}
/** Reply to a sync request. */
export interface SyncReply {
  ok: true;
  node: string;
  /** Empty when `unchanged`. */
  assignments: Assignment[];
  /** A digest of what this answer was built from (the node sends it with its next sync). */
  digest?: string;
  /** The node's digest is current: keep the assignments it holds (sent without them). */
  unchanged?: boolean;
  /** Beat no more often than this (the cluster's heartbeat budget); absent when the node's own period is fine. */
  heartbeatMs?: number;
}

export const deleteSchema = z.object({ namespace: name.default("default"), name }).strict();
/** A leased role's token on a write (the autoscaler's scale): refused once a newer holder of `role` exists. */
export const fenceSchema = z
  .object({ role: z.string().regex(/^[a-z-]{1,32}$/), token: z.number().int().min(1) })
  .strict();
/** Body of `desired.scale`; `fence` marks a leased role's write, `expectGeneration` a CAS on the deployment. */
export const scaleSchema = z
  .object({
    namespace: name.default("default"),
    name,
    replicas: z.number().int().min(0).max(10_000),
    reason: z.string().max(512).optional(),
    from: z.string().max(64).optional(),
    expectGeneration: expectGenerationSchema,
    fence: fenceSchema.optional(),
  })
  .strict();
/** Body of `desired.pause` / `desired.resume`. */
export const deploymentRefSchema = z
  .object({ namespace: name.default("default"), name, expectGeneration: expectGenerationSchema })
  .strict();
/** Body of `desired.cordon` / `uncordon` / `drain`; `expectGeneration` is the node's. */
export const nodeRefSchema = z
  .object({
    node: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, "node ids are [A-Za-z0-9_-]"),
    expectGeneration: expectGenerationSchema,
  })
  .strict();
/** Body of `desired.restart`: replace one replica (it is retired and the controller creates a new copy). */
export const replicaRefSchema = z
  .object({ replica: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, "replica ids are [A-Za-z0-9_-]") })
  .strict();
export const rollbackSchema = z
  .object({
    namespace: name.default("default"),
    name,
    toRevision: z.number().int().min(1).optional(),
    expectGeneration: expectGenerationSchema,
  })
  .strict();

/** Successful intake reply. */
export interface OkReply {
  ok: true;
  id: string;
  revision: number;
  replicas?: number;
  unchanged?: boolean;
}
