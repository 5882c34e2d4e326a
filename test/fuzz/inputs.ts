/**
 * Generated and mutated bus inputs for the fuzz test: raw bytes, arbitrary JSON/msgpack values, and valid messages
 * of every subject family with one mutation (field dropped, replaced or added; envelope broken). Inputs that the
 * receivers' own schemas would accept are filtered out, so every input sent must be rejected.
 */
import {
  deleteSchema,
  deploymentRefSchema,
  encode,
  heartbeatSchema,
  manifestSchema,
  metricsSchema,
  nodeRefSchema,
  rollbackSchema,
  scaleSchema,
  statusSchema,
  subjects,
  syncRequestSchema,
  type DesiredVerb,
} from "@tug/contracts";
import fc from "fast-check";
import type { z } from "zod";

/** One input: where it goes, its bytes, and whether the sender waits for a reply. */
export interface FuzzInput {
  subject: string;
  data: Uint8Array;
  request: boolean;
}

const NODE = "fz-node";
const app = { namespace: "default", name: "fz-app" };

/** Valid bodies per family, with the schema its receiver validates and whether it is a request. */
const FAMILIES: Array<{
  subject: string;
  request: boolean;
  envelopeOnly: boolean;
  body: Record<string, unknown>;
  schema?: z.ZodType;
  node?: boolean;
}> = [
  {
    subject: subjects.desired("apply"),
    request: true,
    envelopeOnly: false,
    schema: manifestSchema,
    body: {
      ...app,
      replicas: 2,
      command: ["x"],
      env: { A: "1" },
      ports: [{ name: "http", containerPort: 8080 }],
      resources: { cpu: 0.1, memory: "16Mi" },
    },
  },
  {
    subject: subjects.desired("scale"),
    request: true,
    envelopeOnly: false,
    schema: scaleSchema,
    body: { ...app, replicas: 3 },
  },
  { subject: subjects.desired("delete"), request: true, envelopeOnly: false, schema: deleteSchema, body: { ...app } },
  {
    subject: subjects.desired("rollback"),
    request: true,
    envelopeOnly: false,
    schema: rollbackSchema,
    body: { ...app, toRevision: 1 },
  },
  ...(["pause", "resume"] as DesiredVerb[]).map((v) => ({
    subject: subjects.desired(v),
    request: true,
    envelopeOnly: false,
    schema: deploymentRefSchema,
    body: { ...app },
  })),
  ...(["cordon", "uncordon", "drain"] as DesiredVerb[]).map((v) => ({
    subject: subjects.desired(v),
    request: true,
    envelopeOnly: false,
    schema: nodeRefSchema,
    body: { node: NODE },
  })),
  {
    subject: subjects.nodeSync(NODE),
    request: true,
    envelopeOnly: false,
    schema: syncRequestSchema,
    node: true,
    body: { node: NODE },
  },
  {
    subject: subjects.nodeHeartbeat(NODE),
    request: false,
    envelopeOnly: true,
    schema: heartbeatSchema,
    node: true,
    body: {
      node: NODE,
      instance: "i-1",
      seq: 1,
      address: "127.0.0.1",
      capacity: { cpuMillis: 1000, memoryBytes: 1e9 },
      labels: {},
      driver: "fake",
    },
  },
  {
    subject: subjects.nodeStatus(NODE),
    request: false,
    envelopeOnly: true,
    schema: statusSchema,
    node: true,
    body: {
      node: NODE,
      instance: "i-1",
      address: "127.0.0.1",
      replicas: [{ id: "fz-app-1-abc", phase: "Running", ready: true, restarts: 0 }],
    },
  },
  {
    subject: subjects.nodeMetrics(NODE),
    request: false,
    envelopeOnly: true,
    body: {
      node: NODE,
      replicas: [{ id: "fz-app-1-abc", deployment: "default/fz-app", cpuPercent: 5, memoryBytes: 1 }],
    },
    schema: metricsSchema,
  },
  {
    subject: subjects.hint("deployment", "default/fz-app"),
    request: false,
    envelopeOnly: true,
    body: { id: "default/fz-app" },
  },
];

type Wrap = "bare" | "envelope" | "bad-version" | "no-body";
const wrap = (w: Wrap, body: unknown): unknown => {
  if (w === "bare") return body;
  const env: Record<string, unknown> = {
    v: w === "bad-version" ? 2 : 1,
    kind: "fuzz",
    id: "f-1",
    sentAt: 1,
    from: "fuzz",
    body,
  };
  if (w === "no-body") delete env.body;
  return env;
};

/** Would the receiver accept this (so it could change state)? Mirrors the bus's unwrapping and the schema check. */
function accepted(f: (typeof FAMILIES)[number], w: Wrap, body: unknown): boolean {
  if (w === "bad-version" || w === "no-body") return false;
  if (w === "bare" && f.envelopeOnly) return false;
  if (!f.schema) return true; // hints: any enveloped body is acted upon (harmlessly); never counted as rejected
  const r = f.schema.safeParse(body);
  return r.success && (!f.node || (r.data as { node?: string }).node === NODE);
}

const mutation = fc.oneof(
  fc.record({ op: fc.constant("drop" as const), pick: fc.nat() }),
  fc.record({ op: fc.constant("set" as const), pick: fc.nat(), value: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({
    op: fc.constant("add" as const),
    key: fc.string({ maxLength: 12 }),
    value: fc.jsonValue({ maxDepth: 2 }),
  }),
  fc.record({ op: fc.constant("replace" as const), value: fc.jsonValue({ maxDepth: 3 }) }),
);

function mutate(body: Record<string, unknown>, m: fc.GeneratedValueOf<typeof mutation>): unknown {
  const keys = Object.keys(body);
  const out: Record<string, unknown> = { ...body };
  if (m.op === "drop") delete out[keys[m.pick % keys.length]!];
  else if (m.op === "set") out[keys[m.pick % keys.length]!] = m.value;
  else if (m.op === "add") out[m.key] = m.value;
  else return m.value;
  return out;
}

/** Mutated valid messages of every family. */
export const mutatedInput: fc.Arbitrary<FuzzInput | undefined> = fc
  .record({
    family: fc.nat(FAMILIES.length - 1),
    m: mutation,
    wrap: fc.constantFrom<Wrap>("bare", "envelope", "envelope", "bad-version", "no-body"),
    json: fc.boolean(),
  })
  .map(({ family, m, wrap: w, json }) => {
    const f = FAMILIES[family]!;
    const body = mutate(f.body, m);
    if (accepted(f, w, body)) return undefined;
    return {
      subject: f.subject,
      request: f.request,
      data: encode(wrap(w, body), json ? "application/json" : "application/msgpack"),
    };
  });

/** Random bytes or random values to any family's subject. */
export const randomInput: fc.Arbitrary<FuzzInput | undefined> = fc
  .record({
    family: fc.nat(FAMILIES.length - 1),
    raw: fc.boolean(),
    bytes: fc.uint8Array({ minLength: 0, maxLength: 48 }),
    value: fc.jsonValue({ maxDepth: 3 }),
    json: fc.boolean(),
  })
  .map(({ family, raw, bytes, value, json }) => {
    const f = FAMILIES[family]!;
    if (raw) return { subject: f.subject, request: f.request, data: bytes.length ? bytes : new Uint8Array([0xc1]) };
    if (accepted(f, "bare", value)) return undefined;
    return {
      subject: f.subject,
      request: f.request,
      data: encode(value, json ? "application/json" : "application/msgpack"),
    };
  });

/** `n` inputs (about half random, half mutated), deterministic for `seed`. */
export function sampleInputs(n: number, seed: number): FuzzInput[] {
  const out: FuzzInput[] = [];
  let s = seed;
  while (out.length < n) {
    const batch = fc.sample(fc.oneof(randomInput, mutatedInput), {
      numRuns: Math.min(5_000, n - out.length + 100),
      seed: s++,
    });
    for (const x of batch) if (x && out.length < n) out.push(x);
  }
  return out;
}
