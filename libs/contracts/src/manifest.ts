/**
 * The Deployment manifest (design.md §2): the zod schema users' YAML/JSON is validated against, and the
 * normalized form the controller stores. `template` holds every field whose change creates a new revision.
 */
import { z } from "zod";
import { TugError } from "./errors.js";
import { parseCpu, parseMemory } from "./quantity.js";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dnsLabel = z.string().max(63).regex(DNS_LABEL, "must be a DNS label: lowercase letters, digits and '-'");
const amount = z.union([
  z.number().int().min(0),
  z.string().regex(/^\d{1,3}%$/, "must be an integer or a percentage like 25%"),
]);
const portRef = z.union([z.number().int().min(1).max(65535), z.string().min(1).max(63)]);
const seconds = z.number().min(0).max(86_400);

const probeSchema = z
  .object({
    http: z
      .object({ path: z.string().startsWith("/").max(1024).default("/"), port: portRef })
      .strict()
      .optional(),
    tcp: z.object({ port: portRef }).strict().optional(),
    exec: z
      .object({ command: z.array(z.string()).min(1) })
      .strict()
      .optional(),
    initialDelaySeconds: seconds.default(0),
    periodSeconds: z.number().min(0.05).max(3600).default(10),
    timeoutSeconds: z.number().min(0.05).max(3600).default(1),
    failureThreshold: z.number().int().min(1).max(1000).default(3),
    successThreshold: z.number().int().min(1).max(1000).default(1),
  })
  .strict()
  .refine((p) => [p.http, p.tcp, p.exec].filter(Boolean).length === 1, { message: "exactly one of http, tcp, exec" });

const resourcesSchema = z
  .object({
    cpu: z.union([z.number().min(0).max(1024), z.string()]).default(0.1),
    memory: z.union([z.number().int().min(0), z.string()]).default("64Mi"),
  })
  .strict()
  .transform((r, ctx) => {
    const cpu = parseCpu(r.cpu);
    const memory = parseMemory(r.memory);
    if (!Number.isFinite(cpu))
      ctx.addIssue({ code: "custom", message: "cpu must be cores (0.5) or millicores (500m)", path: ["cpu"] });
    if (!Number.isFinite(memory))
      ctx.addIssue({ code: "custom", message: "memory must be bytes or like 64Mi", path: ["memory"] });
    return { cpuMillis: cpu, memoryBytes: memory };
  });

const portSchema = z
  .object({
    name: dnsLabel.optional(),
    containerPort: z.number().int().min(1).max(65535),
    published: z.number().int().min(1024).max(65535).optional(),
    protocol: z.enum(["tcp"]).default("tcp"),
    /** How the proxy spreads new connections on the published port (default round robin). */
    balance: z.enum(["round-robin", "least-conn"]).optional(),
  })
  .strict();

const strategySchema = z
  .object({
    type: z.enum(["RollingUpdate", "Recreate"]).default("RollingUpdate"),
    maxSurge: amount.default("25%"),
    maxUnavailable: amount.default("25%"),
    minReadySeconds: seconds.default(0),
    progressDeadlineSeconds: z.number().min(1).max(86_400).default(60),
    autoRollback: z.boolean().default(true),
  })
  .strict();

const autoscaleSchema = z
  .object({
    min: z.number().int().min(0).max(10_000),
    max: z.number().int().min(1).max(10_000),
    targetCPU: z.number().min(1).max(1000).optional(),
    metric: z.enum(["cpu", "rps", "connections"]).optional(),
    target: z.number().positive().optional(),
    scaleDownStabilizationSeconds: z.number().min(0).max(86_400).default(300),
  })
  .strict()
  .refine((a) => a.min <= a.max, { message: "min must be ≤ max", path: ["min"] })
  .refine((a) => a.targetCPU !== undefined || (a.metric !== undefined && a.target !== undefined), {
    message: "give targetCPU, or metric and target",
  });

/**
 * What happens to a replica on a node cut off from the cluster (Nomad's stop_after_client_disconnect). Without it
 * the copy keeps running (static stability). With `stopAfterSeconds: S` the node's worker stops it once it has not
 * reached the cluster for S seconds, and the control plane replaces it only after S + the grace period + a margin, so
 * two copies never run at once.
 */
const disconnectSchema = z.object({ stopAfterSeconds: z.number().min(0.5).max(86_400) }).strict();

/**
 * How the container may touch its own filesystem. Only the docker driver can enforce it (the process driver refuses
 * to start a replica that asks for it rather than run it unprotected).
 */
const securityContextSchema = z.object({ readOnlyRootFilesystem: z.boolean().default(false) }).strict();

/**
 * Host access no workload gets (docs/security.md): manifest keys that would ask for it are refused with a reason
 * instead of "unrecognized key". Kubernetes' names, and Docker's.
 */
const HOST_ACCESS: Record<string, string> = {
  volumes: "host-path and other mounts are not allowed: a replica never sees the node's files",
  mounts: "host-path and other mounts are not allowed: a replica never sees the node's files",
  privileged: "privileged containers are not allowed",
  capabilities: "added capabilities are not allowed",
  hostNetwork: "the host network is not allowed: replicas publish ports through the node's address",
  networkMode: "the host network is not allowed: replicas publish ports through the node's address",
  hostPID: "the host's process namespace is not allowed",
  hostIPC: "the host's IPC namespace is not allowed",
};

/**
 * An env value marked secret: redacted everywhere, sealed (encrypted) before it is stored (docs/security.md). Given
 * as `value` (plaintext), or as `sealed`: a token of this cluster, as `tug get deployment NAME -o yaml` prints it,
 * so the output applies back without the plaintext ever being shown.
 */
export type SecretEnv = { secret: true; value: string } | { secret: true; sealed: string };

/**
 * One env value: a string, `{ value, secret }` or `{ sealed, secret: true }`. `{ value, secret: false }` is a plain
 * value; anything else (no value, a value that is not a string, ...) is refused with one message showing the forms.
 */
const envValueSchema = z
  .union(
    [
      z.string().max(65_536),
      z.object({ value: z.string().max(65_536), secret: z.boolean().default(false) }).strict(),
      z.object({ sealed: z.string().min(1).max(100_000), secret: z.literal(true) }).strict(),
    ],
    { error: 'an env value is a string or { value: "...", secret: true } (the value a string)' },
  )
  .transform((v): string | SecretEnv => {
    if (typeof v === "string") return v;
    if ("sealed" in v) return v;
    return v.secret ? { secret: true, value: v.value } : v.value;
  });

/** The env of a template as a manifest writes it: plain values, and each secret as its sealed token. */
export function manifestEnvOf(t: Template): Record<string, string | SecretEnv> {
  const sealed = Object.entries(t.secretEnv ?? {}).map(([k, token]) => [k, { secret: true, sealed: token }] as const);
  return { ...t.env, ...Object.fromEntries(sealed) };
}

/** True when `a` scales on CPU (targetCPU, or metric cpu): only then do workers sample usage for it. */
export function scalesOnCpu(a: Autoscale | undefined): boolean {
  return a !== undefined && (a.targetCPU !== undefined || (a.metric ?? "cpu") === "cpu");
}

/**
 * Optional precondition of a user write, as Kubernetes' resourceVersion: the generation the writer last saw
 * (`gen` of `tug get … -o json`). When the object has moved past it, the write fails with GENERATION_MISMATCH and
 * changes nothing. Not stored.
 */
export const expectGenerationSchema = z.number().int().min(0).optional();

/** Schema of a manifest as users write it. */
export const manifestSchema = z
  .object({
    kind: z.literal("Deployment").default("Deployment"),
    apiVersion: z.string().optional(),
    name: dnsLabel,
    namespace: dnsLabel.default("default"),
    replicas: z.number().int().min(0).max(10_000).default(1),
    image: z.string().min(1).max(512).optional(),
    command: z.array(z.string().max(4096)).max(256).optional(),
    env: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "env names are [A-Za-z_][A-Za-z0-9_]*"), envValueSchema)
      .default({}),
    ports: z.array(portSchema).max(32).default([]),
    resources: resourcesSchema.prefault({}),
    nodeSelector: z.record(z.string().max(63), z.string().max(63)).default({}),
    readinessProbe: probeSchema.optional(),
    livenessProbe: probeSchema.optional(),
    startupProbe: probeSchema.optional(),
    restartPolicy: z.enum(["Always", "OnFailure", "Never"]).default("Always"),
    terminationGracePeriodSeconds: z.number().min(0).max(3600).default(10),
    strategy: strategySchema.prefault({}),
    revisionHistoryLimit: z.number().int().min(1).max(100).default(10),
    autoscale: autoscaleSchema.optional(),
    labels: z.record(z.string().max(63), z.string().max(63)).default({}),
    disconnect: disconnectSchema.optional(),
    securityContext: securityContextSchema.optional(),
    expectGeneration: expectGenerationSchema,
    ...Object.fromEntries(
      Object.entries(HOST_ACCESS).map(([k, why]) => [k, z.never({ error: `${why} (docs/security.md)` }).optional()]),
    ),
  })
  .strict()
  .refine((m) => m.image !== undefined || (m.command !== undefined && m.command.length > 0), {
    message: "give an image (docker driver) or a command (process driver)",
    path: ["image"],
  });

/** A validated, defaulted manifest. */
export type Manifest = z.output<typeof manifestSchema>;
export type Probe = z.output<typeof probeSchema>;
export type PortSpec = z.output<typeof portSchema>;
export type Strategy = z.output<typeof strategySchema>;
export type Autoscale = z.output<typeof autoscaleSchema>;
export type Disconnect = z.output<typeof disconnectSchema>;

/** The part of a manifest that defines a revision: any change here is a new revision. */
export interface Template {
  image?: string;
  command?: string[];
  /** The plain env values. */
  env: Record<string, string>;
  /**
   * The secret env values, each sealed (AES-256-GCM, libs/state secret-box.ts): a stored or listed template never
   * holds their plaintext. Only the health-monitor's sync reply to the replica's node carries them opened, merged
   * into `env`. Set only when there is one (older templates compare equal).
   */
  secretEnv?: Record<string, string>;
  ports: PortSpec[];
  resources: { cpuMillis: number; memoryBytes: number };
  nodeSelector: Record<string, string>;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  restartPolicy: "Always" | "OnFailure" | "Never";
  terminationGracePeriodSeconds: number;
  /** Stop copies on a node cut off this long (default: keep them running). */
  disconnect?: Disconnect;
  /** Run with a read-only root filesystem (set only when true, so older templates compare equal). */
  readOnlyRootFilesystem?: true;
}

/**
 * Seals one secret env value of the variable `name`: a plaintext `value` (the same name and value always give the
 * same token), or an already `sealed` token, which must open (and is sealed again with the current key).
 */
export type SealSecret = (name: string, v: SecretEnv) => string;

/**
 * Splits a manifest into its revision-defining template; secret env values go to `secretEnv` through `seal`. A
 * manifest with a secret and no `seal` (a process given no secret key) is refused with SECRETS_UNAVAILABLE, so no
 * plaintext secret is ever stored.
 */
export function templateOf(m: Manifest, seal?: SealSecret): Template {
  const env: Record<string, string> = {};
  const secretEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.env)) {
    if (typeof v === "string") env[k] = v;
    else if (seal) secretEnv[k] = seal(k, v);
    else
      throw new TugError("SECRETS_UNAVAILABLE", "this process has no secret key to seal secret env values", `env.${k}`);
  }
  const t: Template = {
    env,
    ports: m.ports,
    resources: m.resources,
    nodeSelector: m.nodeSelector,
    restartPolicy: m.restartPolicy,
    terminationGracePeriodSeconds: m.terminationGracePeriodSeconds,
  };
  if (Object.keys(secretEnv).length > 0) t.secretEnv = secretEnv;
  if (m.image !== undefined) t.image = m.image;
  if (m.command !== undefined) t.command = m.command;
  if (m.readinessProbe) t.readinessProbe = m.readinessProbe;
  if (m.livenessProbe) t.livenessProbe = m.livenessProbe;
  if (m.startupProbe) t.startupProbe = m.startupProbe;
  if (m.disconnect) t.disconnect = m.disconnect;
  if (m.securityContext?.readOnlyRootFilesystem) t.readOnlyRootFilesystem = true;
  return t;
}

/** Canonical JSON (sorted keys) so equal templates compare equal as strings. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}
