/**
 * Maps every failure to the structured error body `{ ok: false, code, message, retryable }` and its HTTP status;
 * nothing escapes as a bare 500 or in Fastify's or Node's own shape (not even a 431 from the HTTP parser).
 */
import type { Socket } from "node:net";
import { type ErrorBody, type ErrorCode, toTugError, TugError } from "@tug/contracts";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

/** Fastify's own 4xx error codes that have a code of ours (anything else of its 4xx is VALIDATION_FAILED). */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: "BAD_ENCODING",
  FST_ERR_CTP_EMPTY_JSON_BODY: "BAD_ENCODING",
  FST_ERR_CTP_BODY_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  FST_ERR_NOT_FOUND: "NOT_FOUND",
};

/** Converts a thrown value to `{ status, body }`; Fastify's own 4xx errors get codes of ours and their statuses. */
export function errorReply(err: unknown): { status: number; body: ErrorBody } {
  const fe = err as Partial<FastifyError>;
  if (!(err instanceof TugError) && typeof fe.statusCode === "number" && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = FASTIFY_CODES[fe.code ?? ""] ?? (fe.statusCode === 404 ? "NOT_FOUND" : "VALIDATION_FAILED");
    const message = fe.message ?? "bad request";
    const te = new TugError(code, code === "UNSUPPORTED_MEDIA_TYPE" ? `${message}; send application/json` : message);
    return { status: te.status, body: te.toBody() };
  }
  const te = toTugError(err);
  return { status: te.status, body: te.toBody() };
}

/** Installs the error and not-found handlers on `app`. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err, req, reply) => {
    const { status, body } = errorReply(err);
    if (status >= 500) req.log.warn({ code: body.code, err: body.message }, "request failed");
    void reply.code(status).send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send(new TugError("NOT_FOUND", `no route ${req.method} ${req.url.split("?")[0]}`).toBody());
  });
}

/**
 * Fastify's `frameworkErrors` option: errors raised before routing (a malformed URL, a bad content-type header)
 * get the same structured body as every other error instead of Fastify's own shape.
 */
export function frameworkErrors(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = errorReply(err);
  void reply.code(status).send(body);
}

/** Node's HTTP parser errors, answered before Fastify sees a request: status and code of ours for each. */
const CLIENT_ERRORS: Record<string, { status: number; code: ErrorCode; message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, code: "HEADERS_TOO_LARGE", message: "the request's headers are too large" },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: "TIMEOUT", message: "the request was not received in time" },
};

/**
 * Fastify's `clientErrorHandler`: a request the HTTP parser refuses (headers too large, malformed, too slow) gets the
 * structured body too, written straight to the socket, which is then closed.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === "ECONNRESET" || socket.destroyed) return;
  const malformed = { status: 400, code: "VALIDATION_FAILED" as const, message: "malformed HTTP request" };
  const known = CLIENT_ERRORS[err.code ?? ""] ?? malformed;
  const body = JSON.stringify(new TugError(known.code, known.message).toBody());
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${known.status} ${known.code}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
