/**
 * The versioned envelope every bus message travels in: `{ v: 1, kind, id, sentAt, from, body }`, and on a request
 * `ttlMs`, how long its sender waits for the reply (request-expiry.ts).
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { TugError } from "./errors.js";

export const PROTOCOL_VERSION = 1;

export interface Envelope<B = unknown> {
  v: 1;
  kind: string;
  id: string;
  sentAt: number;
  from: string;
  body: B;
  /** A request's sender waits this long for the reply, then gives up (and may send it again). */
  ttlMs?: number;
}

const envelopeSchema = z.object({
  v: z.number(),
  kind: z.string().min(1).max(128),
  id: z.string().min(1).max(128),
  sentAt: z.number(),
  from: z.string().max(256),
  body: z.unknown(),
  ttlMs: z.number().int().positive().max(86_400_000).optional(),
});

/** Wraps `body` in a fresh envelope (`ttlMs`: a request's reply timeout). */
export function envelope<B>(kind: string, from: string, body: B, ttlMs?: number): Envelope<B> {
  return { v: 1, kind, id: randomUUID(), sentAt: Date.now(), from, body, ...(ttlMs ? { ttlMs } : {}) };
}

/** True when the value looks like an envelope (so bare bodies can be told apart at the intake). */
export function isEnvelopeLike(v: unknown): boolean {
  return !!v && typeof v === "object" && "v" in v && "kind" in v && "body" in v;
}

/** Validates an envelope; unknown versions are rejected with BAD_ENVELOPE. */
export function openEnvelope(v: unknown): Envelope {
  const r = envelopeSchema.safeParse(v);
  if (!r.success)
    throw new TugError(
      "BAD_ENVELOPE",
      `bad envelope: ${r.error.issues[0]!.message}`,
      r.error.issues[0]!.path.join(".") || undefined,
    );
  if (r.data.v !== PROTOCOL_VERSION) throw new TugError("BAD_ENVELOPE", `unknown protocol version ${r.data.v}`, "v");
  return r.data as Envelope;
}
