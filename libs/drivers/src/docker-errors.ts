/** Maps Docker Engine API failures (dockerode errors) to DriverErrors with clear reasons. Never throws itself. */
import { DriverError } from "./types.js";

/** What dockerode and the socket layer put on an error. */
interface EngineErrorLike {
  statusCode?: number;
  code?: string;
  message?: string;
  json?: { message?: string } | null;
}

/** The HTTP status the engine answered with, if any. */
export function engineStatus(err: unknown): number | undefined {
  const s = (err as EngineErrorLike | undefined)?.statusCode;
  return typeof s === "number" ? s : undefined;
}

/** True for "no such container/image" (404). */
export function isNotFound(err: unknown): boolean {
  return engineStatus(err) === 404;
}

/** True when the engine could not be reached at all (socket missing, refused, reset, timed out). */
export function isUnreachable(err: unknown): boolean {
  const code = (err as EngineErrorLike | undefined)?.code;
  return (
    code !== undefined &&
    ["ENOENT", "ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EACCES", "EHOSTUNREACH"].includes(code)
  );
}

/** The engine's own message (its JSON body) or the error's message, on one line. */
export function engineMessage(err: unknown): string {
  const e = err as EngineErrorLike | undefined;
  const msg = e?.json?.message ?? e?.message ?? String(err);
  return msg.replace(/\s+/g, " ").trim();
}

/**
 * A DriverError for a failed engine call while doing `what` (e.g. "create container for web-1"):
 * unreachable engine → `EngineUnavailable`; port clash → `PortInUse`; 400 → `InvalidSpec` (permanent);
 * anything else → `fallbackReason` (retried).
 */
export function toDriverError(err: unknown, what: string, fallbackReason = "StartError"): DriverError {
  if (err instanceof DriverError) return err;
  const msg = engineMessage(err);
  if (isUnreachable(err))
    return new DriverError("EngineUnavailable", `${what}: the Docker engine cannot be reached (${msg})`, false, {
      cause: err,
    });
  if (/port is already allocated|address already in use/i.test(msg))
    return new DriverError("PortInUse", `${what}: ${msg}`, false, { cause: err });
  if (engineStatus(err) === 400)
    return new DriverError("InvalidSpec", `${what}: the engine rejected the container spec: ${msg}`, true, {
      cause: err,
    });
  return new DriverError(fallbackReason, `${what}: ${msg}`, false, { cause: err });
}
