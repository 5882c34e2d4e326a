/**
 * Validation of the health-monitor's SyncReply. The reply is checked defensively: a malformed reply changes
 * nothing; an entry whose template is malformed keeps its replica as it is (neither started nor orphaned).
 */
import { type Assignment, manifestSchema, type Template } from "@tug/contracts";
import { z } from "zod";

const m = manifestSchema.shape;

/** The template as it travels (already defaulted by the controller; defaults applied again for safety). */
const templateSchema = z.object({
  image: m.image,
  command: m.command,
  env: m.env,
  ports: m.ports,
  resources: z
    .object({ cpuMillis: z.number().min(0), memoryBytes: z.number().min(0) })
    .default({ cpuMillis: 0, memoryBytes: 0 }),
  nodeSelector: m.nodeSelector,
  readinessProbe: m.readinessProbe,
  livenessProbe: m.livenessProbe,
  startupProbe: m.startupProbe,
  restartPolicy: m.restartPolicy,
  terminationGracePeriodSeconds: m.terminationGracePeriodSeconds,
  disconnect: m.disconnect,
  readOnlyRootFilesystem: z.literal(true).optional(),
});

const replicaSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_.:-]{1,253}$/),
  deployment: z.string().min(1).max(253),
  revision: z.number().int().min(0),
  desired: z.enum(["run", "stop"]),
  gen: z.number().int().min(0),
});

const replySchema = z.object({
  ok: z.literal(true),
  node: z.string(),
  assignments: z.array(z.unknown()).max(10_000),
  digest: z.string().max(128).optional(),
  unchanged: z.boolean().optional(),
  heartbeatMs: z.number().int().min(1).max(3_600_000).optional(),
});

/** A parsed reply: usable assignments, plus ids whose entries were malformed (left untouched). */
export interface ParsedSync {
  assignments: Assignment[];
  malformed: Array<{ id?: string; error: string }>;
  /** The digest the answer was built from, when the health-monitor sent one. */
  digest?: string;
  /** The answer says the assignments of `digest` (sent with the request) are current; `assignments` is empty. */
  unchanged?: boolean;
  /** The heartbeat period the health-monitor asks of nodes (the cluster's heartbeat budget). */
  heartbeatMs?: number;
}

/** Validates a sync reply meant for `node`; throws when the reply as a whole is unusable. */
export function parseSyncReply(raw: unknown, node: string): ParsedSync {
  const reply = replySchema.safeParse(raw);
  if (!reply.success)
    throw new Error(`bad sync reply: ${reply.error.issues[0]?.path.join(".")} ${reply.error.issues[0]?.message}`);
  if (reply.data.node !== node)
    throw new Error(`sync reply is for node ${JSON.stringify(reply.data.node)}, not ${JSON.stringify(node)}`);
  const out: ParsedSync = { assignments: [], malformed: [] };
  if (reply.data.digest !== undefined) out.digest = reply.data.digest;
  if (reply.data.unchanged === true) out.unchanged = true;
  if (reply.data.heartbeatMs !== undefined) out.heartbeatMs = reply.data.heartbeatMs;
  const seen = new Set<string>();
  for (const entry of reply.data.assignments) {
    const e = (entry ?? {}) as { replica?: unknown; template?: unknown; sampleUsage?: unknown };
    const replica = replicaSchema.safeParse(e.replica);
    if (!replica.success) {
      out.malformed.push({ error: `replica: ${replica.error.issues[0]?.message}` });
      continue;
    }
    const template = templateSchema.safeParse(e.template);
    if (!template.success || seen.has(replica.data.id)) {
      out.malformed.push({
        id: replica.data.id,
        error: template.success
          ? "duplicate replica id"
          : `template.${template.error.issues[0]?.path.join(".")}: ${template.error.issues[0]?.message}`,
      });
      continue;
    }
    seen.add(replica.data.id);
    const a: Assignment = { replica: replica.data, template: stripUndefined(template.data) as Template };
    if (e.sampleUsage === true) a.sampleUsage = true;
    out.assignments.push(a);
  }
  return out;
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
