/** The versioned envelope every bus message travels in: `{ v: 1, kind, id, sentAt, from, body }`. */
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
}

const envelopeSchema = z.object({
  v: z.number(),
  kind: z.string().min(1).max(128),
  id: z.string().min(1).max(128),
  sentAt: z.number(),
  from: z.string().max(256),
  body: z.unknown(),
});

/** Wraps `body` in a fresh envelope. */
export function envelope<B>(kind: string, from: string, body: B): Envelope<B> {
  return { v: 1, kind, id: randomUUID(), sentAt: Date.now(), from, body };
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
