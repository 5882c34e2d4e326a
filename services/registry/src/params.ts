/** Schemas of the HTTP API's path, query and body inputs; every route validates through these. */
import { TugError } from "@tug/contracts";
import { z } from "zod";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const label = z.string().max(63).regex(DNS_LABEL, "must be a DNS label: lowercase letters, digits and '-'");
const intString = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** `{ns}/{name}` path parameters. */
export const objectParams = z.object({ ns: label, name: label });

/** Query of `GET /v1/services/{ns}/{name}`: optional watch with an index and a timeout in seconds. */
export const serviceQuery = z
  .object({
    watch: z.enum(["1", "true", "0", "false"]).optional(),
    index: intString(0, Number.MAX_SAFE_INTEGER).default(0),
    timeout: intString(1, 300).default(60),
  })
  .strict();

/** Query of `GET /v1/watch`: whether to start with every service's current state, and the stream's lifetime in seconds. */
export const watchQuery = z
  .object({
    snapshot: z.enum(["1", "true", "0", "false"]).default("1"),
    timeout: intString(1, 3600).default(300),
    /** `endpoints` (per-service endpoint views) or `cluster` (every object's changes, for the dashboard). */
    view: z.enum(["endpoints", "cluster"]).default("endpoints"),
  })
  .strict();

/** Query of `GET /v1/events`: a stream id to read after, and a page size. */
export const eventsQuery = z
  .object({
    since: z
      .string()
      .regex(/^\d+(-\d+)?$/, "must be a stream id like 1700000000000-0, or 0")
      .default("0"),
    limit: intString(1, 10_000).default(1000),
  })
  .strict();

/** Query of `GET /v1/replicas`: an optional `ns/name` filter. */
export const replicasQuery = z
  .object({
    deployment: z
      .string()
      .regex(/^[a-z0-9-]{1,63}\/[a-z0-9-]{1,63}$/, "must be namespace/name")
      .optional(),
  })
  .strict();

const objectId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, "must be an id: letters, digits, '_' and '-'");

/** `{node}/{action}` of `POST /v1/nodes/{node}/{action}`. */
export const nodeActionParams = z.object({ node: objectId, action: z.enum(["cordon", "uncordon", "drain"]) });

/** `{id}` of `POST /v1/replicas/{id}/restart`. */
export const replicaParams = z.object({ id: objectId });

/** Body of `POST .../scale`. */
export const scaleBody = z.object({ replicas: z.number().int().min(0).max(10_000) }).strict();

/** Body of `POST .../rollback`. */
export const rollbackBody = z.object({ toRevision: z.number().int().min(1).optional() }).strict();

/** A manifest body must at least be a JSON object; the controller validates the rest. */
export const manifestBody = z.record(z.string(), z.unknown());

/**
 * The generation an `If-Match` header names (`"3"`, `W/"3"` or `3`), as `expectGeneration` of the write; undefined
 * without the header. Anything else is a VALIDATION_FAILED on the header.
 */
export function ifMatchGeneration(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const m = /^(?:W\/)?"?(\d{1,15})"?$/.exec(String(header).trim());
  if (!m) throw new TugError("VALIDATION_FAILED", 'If-Match must name one generation, like "3"', "If-Match");
  return Number(m[1]);
}
