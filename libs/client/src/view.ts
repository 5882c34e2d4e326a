/** The registry's answer for one service, validated before any caller sees it. */
import { TugError } from "@tug/contracts";
import { z } from "zod";

const endpointSchema = z.object({
  host: z.string().min(1).max(253),
  port: z.number().int().min(1).max(65_535),
  replica: z.string().min(1).max(253),
  node: z.string().max(253),
  ready: z.boolean(),
});

const viewSchema = z.object({
  name: z.string(),
  namespace: z.string(),
  endpoints: z.array(endpointSchema).max(100_000),
  revision: z.number().int().min(0),
  index: z.number().int().min(0),
});

/** One ready endpoint of a service. */
export type ServiceEndpoint = z.output<typeof endpointSchema>;

/** `GET /v1/services/{ns}/{name}` as the client uses it. */
export type ServiceSnapshot = z.output<typeof viewSchema>;

/** Validates a registry answer; BAD_ENCODING when it is not the expected shape. */
export function parseView(raw: unknown): ServiceSnapshot {
  const r = viewSchema.safeParse(raw);
  if (!r.success)
    throw new TugError(
      "BAD_ENCODING",
      `unexpected registry answer: ${r.error.issues[0]?.path.join(".")} ${r.error.issues[0]?.message}`,
    );
  return { ...r.data, endpoints: r.data.endpoints.filter((e) => e.ready) };
}
