/**
 * One HTTP(S) request that may trust a private CA, which Node 20's `fetch` cannot be given: the CLI and `tug up`
 * reach an API that serves TLS with the cluster's own certificate this way (docs/security.md, "TLS").
 */
import { request as plainRequest } from "node:http";
import { request as tlsRequest } from "node:https";
import { isIP } from "node:net";

/** What to send. */
export interface TextRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** PEM of the CA to trust for an https URL (instead of the system's). */
  ca?: string;
  /** Whole request deadline (default 10 s). */
  timeoutMs?: number;
}

/** What came back. */
export interface TextResponse {
  status: number;
  ok: boolean;
  text: string;
}

/** True for an address only this machine reaches: 127.0.0.0/8, ::1 or `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h === "::1") return true;
  return isIP(h) === 4 && h.startsWith("127.");
}

/** Sends `o` to `url` and reads the whole answer as text; rejects on a network error, a bad certificate or timeout. */
export function requestText(url: string | URL, o: TextRequest = {}): Promise<TextResponse> {
  const u = new URL(url);
  const send = u.protocol === "https:" ? tlsRequest : plainRequest;
  const timeoutMs = o.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const req = send(
      u,
      {
        method: o.method ?? "GET",
        headers: o.headers,
        ...(o.ca ? { ca: o.ca } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.once("error", reject);
        res.once("end", () => {
          const status = res.statusCode ?? 0;
          resolve({ status, ok: status >= 200 && status < 300, text: Buffer.concat(chunks).toString("utf8") });
        });
      },
    );
    req.once("error", reject);
    req.end(o.body);
  });
}
