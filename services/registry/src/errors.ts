/** Maps every failure to the structured error body and its HTTP status; nothing escapes as a bare 500. */
import { type ErrorBody, toTugError, TugError } from "@tug/contracts";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

/** Converts a thrown value to `{ status, body }`; Fastify's own 4xx errors (bad JSON, too large) become 400s. */
export function errorReply(err: unknown): { status: number; body: ErrorBody } {
  const fe = err as Partial<FastifyError>;
  if (!(err instanceof TugError) && typeof fe.statusCode === "number" && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = fe.code === "FST_ERR_CTP_INVALID_JSON_BODY" || fe.code === "FST_ERR_CTP_EMPTY_JSON_BODY" ? "BAD_ENCODING" : "VALIDATION_FAILED";
    const te = new TugError(code, fe.message ?? "bad request");
    return { status: fe.statusCode === 404 ? 404 : 400, body: te.toBody() };
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
