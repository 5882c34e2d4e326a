/** One lookup of a service's ready endpoints over the registry HTTP API. */
import { type ErrorBody, isErrorCode, toTugError, TugError } from "@tug/contracts";
import { parseServiceName } from "./name.js";
import { parseView, type ServiceEndpoint, type ServiceSnapshot } from "./view.js";

/** Where the registry is, and how long to wait for it. */
export interface ClientOptions {
  /** Registry base URL (default `http://127.0.0.1:7070`). */
  api?: string;
  /** Namespace when the name has none (default `default`). */
  namespace?: string;
  /** Per-request timeout in ms (default 10 s; blocking queries add their own wait). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Default registry address (design.md §3). */
export const DEFAULT_API = "http://127.0.0.1:7070";

/**
 * Fetches the service view; `query` adds blocking-query parameters. Errors are TugErrors (the registry's own code when
 * it sent one).
 */
export async function fetchService(
  name: string,
  o: ClientOptions = {},
  query = "",
  extraMs = 0,
): Promise<ServiceSnapshot> {
  const { namespace, name: n } = parseServiceName(name, o.namespace);
  const url = `${(o.api ?? DEFAULT_API).replace(/\/+$/, "")}/v1/services/${namespace}/${n}${query}`;
  const timeout = AbortSignal.timeout((o.timeoutMs ?? 10_000) + extraMs);
  let res: Response;
  try {
    res = await fetch(url, { signal: o.signal ? AbortSignal.any([o.signal, timeout]) : timeout });
  } catch (err) {
    if (o.signal?.aborted) throw new TugError("TIMEOUT", "aborted", undefined, { cause: err });
    const te = toTugError(err);
    throw te.code === "INTERNAL"
      ? new TugError("BUS_UNAVAILABLE", `registry ${url}: ${te.message}`, undefined, { cause: err })
      : te;
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch (err) {
    throw new TugError(
      "BAD_ENCODING",
      `registry ${url} answered ${res.status} with a body that is not JSON`,
      undefined,
      { cause: err },
    );
  }
  if (!res.ok) {
    const e = body as Partial<ErrorBody>;
    throw new TugError(
      isErrorCode(e?.code) ? e.code : "INTERNAL",
      typeof e?.message === "string" ? e.message : `registry answered ${res.status}`,
      typeof e?.field === "string" ? e.field : undefined,
    );
  }
  return parseView(body);
}

/** The ready endpoints of `name` (`web` or `web.prod`) right now. */
export async function resolve(name: string, o: ClientOptions = {}): Promise<ServiceEndpoint[]> {
  return (await fetchService(name, o)).endpoints;
}
