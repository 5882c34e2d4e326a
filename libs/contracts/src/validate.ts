/** Schema validation that turns zod issues into one structured `VALIDATION_FAILED` error naming the field. */
import type { z } from "zod";
import { TugError } from "./errors.js";

/** Parses `input` with `schema`; throws TugError(VALIDATION_FAILED, message, field) on the first issue. */
export function validate<S extends z.ZodType>(schema: S, input: unknown, what = "input"): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const path = issue.path.map(String);
  if (issue.code === "unrecognized_keys" && issue.keys.length > 0) path.push(issue.keys[0]!);
  const field = path.join(".") || undefined;
  throw new TugError("VALIDATION_FAILED", `${what}${field ? `.${field}` : ""}: ${issue.message}`, field);
}
