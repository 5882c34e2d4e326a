/**
 * Bearer-token guard of the API's writes: every POST, PUT, PATCH or DELETE under `/v1/` needs
 * `Authorization: Bearer <token>`. It runs on `onRequest`, before the body is read, so a refused write costs nothing
 * and reaches nothing. Reads stay open. With no token configured every write is refused (FORBIDDEN).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { TugError } from "@tug/contracts";
import type { FastifyInstance, FastifyRequest } from "fastify";

/** Methods that change state; only these are guarded. */
const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** True when `req` is a write to the versioned API. */
export function isApiWrite(req: Pick<FastifyRequest, "method" | "url">): boolean {
  return WRITE_METHODS.has(req.method) && req.url.startsWith("/v1/");
}

/** The token of an `Authorization: Bearer <token>` header; undefined when the header is missing or not a bearer. */
export function bearerOf(header: string | undefined): string | undefined {
  const m = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header ?? "");
  return m?.[1];
}

/** Compares two secrets in time independent of where they differ (and of their lengths, through a digest). */
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Throws UNAUTHENTICATED (401) when a write carries no bearer token, FORBIDDEN (403) when its token is not `token`
 * or no token is configured; returns for reads and authorised writes.
 */
export function checkWrite(req: Pick<FastifyRequest, "method" | "url" | "headers">, token: string | undefined): void {
  if (!isApiWrite(req)) return;
  const given = bearerOf(req.headers.authorization);
  if (given === undefined)
    throw new TugError("UNAUTHENTICATED", "API writes need an 'Authorization: Bearer <token>' header", "authorization");
  if (!token)
    throw new TugError(
      "FORBIDDEN",
      "writes are disabled: the registry was started without an API token",
      "authorization",
    );
  if (!sameSecret(given, token)) throw new TugError("FORBIDDEN", "the bearer token is not valid here", "authorization");
}

/** Installs the guard on `app` (an `onRequest` hook; refusals go through the app's error handler). */
export function installWriteGuard(app: FastifyInstance, token: string | undefined): void {
  app.addHook("onRequest", async (req) => checkWrite(req, token));
}
