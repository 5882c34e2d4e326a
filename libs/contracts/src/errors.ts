/**
 * Error codes shared by Lua scripts, bus replies, HTTP responses and the CLI. Every code is documented in
 * docs/errors.md. `retryable` tells a client whether the same request may succeed later unchanged.
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: { status: 400, retryable: false, text: "the input does not match the schema" },
  BAD_ENCODING: { status: 400, retryable: false, text: "the message is not valid msgpack or JSON" },
  BAD_ENVELOPE: { status: 400, retryable: false, text: "the envelope is missing fields or has an unknown version" },
  INVALID_SUBJECT_TOKEN: { status: 400, retryable: false, text: "an id cannot be used as a subject token" },
  UNAUTHENTICATED: {
    status: 401,
    retryable: false,
    text: "an API write carries no valid bearer token (Authorization: Bearer <token>)",
  },
  FORBIDDEN: { status: 403, retryable: false, text: "the token may not do this, or writes are disabled" },
  NOT_FOUND: { status: 404, retryable: false, text: "the named object does not exist" },
  PAYLOAD_TOO_LARGE: { status: 413, retryable: false, text: "the request body is larger than the API accepts" },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, retryable: false, text: "the request body is not application/json" },
  HEADERS_TOO_LARGE: {
    status: 431,
    retryable: false,
    text: "the request's headers are larger than the server accepts",
  },
  CONFLICT: { status: 409, retryable: true, text: "the object changed concurrently (CAS failed)" },
  GENERATION_MISMATCH: {
    status: 409,
    retryable: false,
    text: "the object moved past the generation the write expected",
  },
  REVISION_NOT_FOUND: { status: 404, retryable: false, text: "the requested revision is not in the history" },
  NODE_NOT_READY: { status: 409, retryable: true, text: "the node is not ready" },
  INSUFFICIENT_CAPACITY: { status: 409, retryable: true, text: "the node has no room for the replica" },
  STALE_FENCING_TOKEN: { status: 409, retryable: false, text: "a lease holder lost its lease" },
  SECRETS_UNAVAILABLE: {
    status: 503,
    retryable: false,
    text: "a secret env value cannot be sealed or opened: no secret key, or not the key it was sealed with",
  },
  STORE_UNAVAILABLE: { status: 503, retryable: true, text: "Redis cannot be reached" },
  BUS_UNAVAILABLE: { status: 503, retryable: true, text: "NATS cannot be reached or nobody answered" },
  NATS_UNAUTHORIZED: {
    status: 401,
    retryable: false,
    text: "NATS refused the connection's credentials (none, unknown or revoked) or a subject they do not allow",
  },
  NATS_CREDS_INVALID: { status: 400, retryable: false, text: "a NATS credentials file is missing or malformed" },
  API_UNAVAILABLE: { status: 503, retryable: true, text: "the registry's HTTP API cannot be reached" },
  TIMEOUT: { status: 504, retryable: true, text: "the operation did not finish in time" },
  OVERLOADED: { status: 503, retryable: true, text: "a bounded resource is full; retry later" },
  INTERNAL: { status: 500, retryable: true, text: "an unexpected fault; see the process log" },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The wire shape of an error: what replies, HTTP bodies and CLI output carry. */
export interface ErrorBody {
  ok: false;
  code: ErrorCode;
  message: string;
  field?: string;
  retryable: boolean;
}

/** A structured error with a stable code, an optional offending field and a retryable flag. */
export class TugError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  constructor(code: ErrorCode, message: string, field?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "TugError";
    this.code = code;
    this.field = field;
  }
  get retryable(): boolean {
    return ERROR_CODES[this.code].retryable;
  }
  get status(): number {
    return ERROR_CODES[this.code].status;
  }
  toBody(): ErrorBody {
    const body: ErrorBody = { ok: false, code: this.code, message: this.message, retryable: this.retryable };
    if (this.field !== undefined) body.field = this.field;
    return body;
  }
}

/** Turns anything thrown into a TugError (unknown faults become INTERNAL, Redis/NATS faults their codes). */
export function toTugError(err: unknown): TugError {
  if (err instanceof TugError) return err;
  const e = err as { message?: string; code?: string; name?: string } | undefined;
  const msg = String(e?.message ?? err);
  if (
    /ECONNREFUSED|Connection is closed|Stream isn.t writeable|MaxRetriesPerRequest|ENOTCONN|LOADING|READONLY|NOREPLICAS|MASTERDOWN/i.test(
      msg,
    )
  )
    return new TugError("STORE_UNAVAILABLE", msg, undefined, { cause: err });
  if (/timeout|TIMEOUT/.test(msg)) return new TugError("TIMEOUT", msg, undefined, { cause: err });
  if (/no responders|CONNECTION_CLOSED|disconnect/i.test(msg))
    return new TugError("BUS_UNAVAILABLE", msg, undefined, { cause: err });
  return new TugError("INTERNAL", msg, undefined, { cause: err });
}

/** True when `code` is one of the known error codes. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === "string" && Object.hasOwn(ERROR_CODES, code);
}
