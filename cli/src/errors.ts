/** CLI error kinds and how they are printed: usage errors exit 2, failed operations exit 1. */
import { type ErrorBody, toTugError } from "@tug/contracts";

/** A bad command line or input file; exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Prints a structured error the way every command does: `error [CODE] message (field: f)`. */
export function describeError(body: Pick<ErrorBody, "code" | "message" | "field">): string {
  return `error [${body.code}] ${body.message}${body.field ? ` (field: ${body.field})` : ""}`;
}

/** Turns anything thrown into an exit code and a printed message. */
export function reportError(err: unknown, write: (s: string) => void): number {
  if (err instanceof UsageError) {
    write(`error: ${err.message}`);
    return 2;
  }
  write(describeError(toTugError(err)));
  return 1;
}
