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

/** What the guard checks against: one token, several (a rotation), or a function giving the current set. */
export type AcceptedTokens = string | readonly string[] | (() => readonly string[]) | undefined;

function listOf(t: AcceptedTokens): readonly string[] {
  if (t === undefined) return [];
  if (typeof t === "string") return [t];
  return typeof t === "function" ? t() : t;
}

/**
 * Throws UNAUTHENTICATED (401) when a write carries no bearer token, FORBIDDEN (403) when its token is none of
 * `tokens` or no token is configured; returns for reads and authorised writes. Every accepted token is compared (no
 * early exit), so the time does not tell which one nearly matched.
 */
export function checkWrite(req: Pick<FastifyRequest, "method" | "url" | "headers">, tokens: AcceptedTokens): void {
  if (!isApiWrite(req)) return;
  const given = bearerOf(req.headers.authorization);
  if (given === undefined)
    throw new TugError("UNAUTHENTICATED", "API writes need an 'Authorization: Bearer <token>' header", "authorization");
  const accepted = listOf(tokens);
  if (accepted.length === 0)
    throw new TugError(
      "FORBIDDEN",
      "writes are disabled: the registry was started without an API token",
      "authorization",
    );
  const matches = accepted.reduce((n, t) => n + (sameSecret(given, t) ? 1 : 0), 0);
  if (matches === 0) throw new TugError("FORBIDDEN", "the bearer token is not valid here", "authorization");
}

/** Installs the guard on `app` (an `onRequest` hook; refusals go through the app's error handler). */
export function installWriteGuard(app: FastifyInstance, tokens: AcceptedTokens): void {
  app.addHook("onRequest", async (req) => checkWrite(req, tokens));
}
