/**
 * `GET /` and `GET /assets/*`: the dashboard's static files (built by `npm run build` into the registry's
 * dist/ui; no CDN, works offline). Only files under that directory are served, by a strict path pattern.
 */
import { readFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { TugError } from "@tug/contracts";
import type { FastifyInstance, FastifyReply } from "fastify";

/** Content types of the files a Vite build emits. */
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
};
const ASSET = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.(js|css|svg|png|ico|woff2)$/;

/** Sends one file of `dir`; NOT_FOUND (with how to build the dashboard) when it is not there. */
async function sendFile(reply: FastifyReply, dir: string, name: string, cache: string): Promise<FastifyReply> {
  let body: Buffer;
  try {
    body = await readFile(join(dir, name));
  } catch {
    const hint = name === "index.html" ? " (the dashboard is not built: run `npm run build`)" : "";
    throw new TugError("NOT_FOUND", `no dashboard file ${name}${hint}`);
  }
  return reply
    .type(TYPES[extname(name)] ?? "application/octet-stream")
    .header("cache-control", cache)
    .header("x-content-type-options", "nosniff")
    .send(body);
}

/** Registers the dashboard's routes over the built files in `dir`. */
export function dashboardRoutes(app: FastifyInstance, dir: string): void {
  app.get("/", async (_req, reply) => sendFile(reply, dir, "index.html", "no-cache"));
  app.get("/assets/:file", async (req, reply) => {
    const file = (req.params as { file: string }).file;
    if (!ASSET.test(file)) throw new TugError("NOT_FOUND", `no dashboard file ${file}`);
    return sendFile(reply, join(dir, "assets"), file, "public, max-age=31536000, immutable");
  });
}
