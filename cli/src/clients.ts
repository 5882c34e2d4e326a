/**
 * The CLI's two clients: the registry HTTP API (reads) and the NATS desired-state intake (writes). Both turn
 * failures into TugError so every command reports them the same way.
 */
import { connect } from "@nats-io/transport-node";
import { natsAuthOptions, type NatsCreds } from "@tug/bus";
import { requestText, type TextRequest, type TextResponse } from "@tug/runtime";
import {
  decode,
  encode,
  envelope,
  type ErrorBody,
  isErrorCode,
  subjects,
  type DesiredVerb,
  toTugError,
  TugError,
} from "@tug/contracts";

/**
 * The registry HTTP API at `base` (e.g. http://127.0.0.1:7070). Reads are open; writes carry the API token as
 * `Authorization: Bearer <token>` (from `TUG_TOKEN` or the data dir's `api-token`, see context.ts).
 */
export class ApiClient {
  /** `ca`: PEM of the CA an https API's certificate is verified with (the cluster's own; default: the system's). */
  constructor(
    private readonly base: string,
    private readonly timeoutMs = 10_000,
    private readonly token?: string,
    private readonly ca?: string,
  ) {}

  /** GETs `path` and returns the JSON body; an error body becomes a TugError. */
  async get<T>(path: string): Promise<T> {
    return this.send<T>("GET", path);
  }

  /** Sends a write (`body` as JSON) with the API token; UNAUTHENTICATED from the API when the CLI has none. */
  async write<T>(method: "POST" | "PUT" | "PATCH" | "DELETE", path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    return this.send<T>(method, path, { headers, body: body === undefined ? undefined : JSON.stringify(body) });
  }

  private async send<T>(method: string, path: string, init: Omit<TextRequest, "method"> = {}): Promise<T> {
    let res: TextResponse;
    try {
      res = await requestText(new URL(path, this.base), { ...init, method, ca: this.ca, timeoutMs: this.timeoutMs });
    } catch (err) {
      throw unreachable(this.base, err as Error, this.timeoutMs);
    }
    const text = res.text;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new TugError("BAD_ENCODING", `the API answered ${res.status} with non-JSON: ${text.slice(0, 200)}`);
    }
    if (!res.ok) throw fromBody(body, `the API answered ${res.status}`);
    return body as T;
  }
}

/** Sends desired-state requests over NATS (`tug.v1.desired.<verb>`). */
export class IntakeClient {
  /** `creds`: the users' NATS identity (see natsCredsOf in context.ts); none for a server without authorization. */
  constructor(
    private readonly url: string,
    private readonly timeoutMs = 10_000,
    private readonly creds?: NatsCreds,
  ) {}

  /** Sends one request and returns the ok reply; an error reply or no answer becomes a TugError. */
  async request<T>(verb: DesiredVerb, body: unknown): Promise<T> {
    const [r] = await this.requestAll<T>(verb, [body]);
    if (r instanceof TugError) throw r;
    return r!;
  }

  /** Sends several requests over one connection, in order; each result is the ok reply or the TugError. */
  async requestAll<T>(verb: DesiredVerb, bodies: readonly unknown[]): Promise<Array<T | TugError>> {
    const servers = this.url.split(","); // a NATS cluster (`tug up --ha`): any of its servers will do
    const auth = natsAuthOptions(this.creds);
    const nc = await connect({ servers, timeout: 3_000, maxReconnectAttempts: 0, name: "tug-cli", ...auth }).catch(
      (err: Error) => {
        if (/authoriz/i.test(err.message) || err.name === "AuthorizationError")
          throw new TugError(
            "NATS_UNAUTHORIZED",
            `NATS at ${this.url} refused ${this.creds ? `the credentials of ${this.creds.user}` : "a connection without credentials"}` +
              ` (${err.message}); the CLI reads <data dir>/nats-auth/cli.creds or TUG_NATS_CREDS`,
          );
        throw new TugError("BUS_UNAVAILABLE", `cannot reach NATS at ${this.url}: ${err.message}`);
      },
    );
    try {
      const out: Array<T | TugError> = [];
      for (const body of bodies) out.push(await this.one<T>(nc, verb, body).catch((e: unknown) => toTugError(e)));
      return out;
    } finally {
      await nc.close().catch(() => {});
    }
  }

  private async one<T>(nc: Awaited<ReturnType<typeof connect>>, verb: DesiredVerb, body: unknown): Promise<T> {
    let data: Uint8Array;
    try {
      const msg = await nc.request(subjects.desired(verb), encode(envelope(`desired.${verb}`, "tug-cli", body)), {
        timeout: this.timeoutMs,
      });
      data = msg.data;
    } catch (err) {
      const m = (err as Error).message;
      if (/permission/i.test(m)) throw new TugError("NATS_UNAUTHORIZED", `${verb}: ${m}`);
      throw new TugError(/timeout/i.test(m) ? "TIMEOUT" : "BUS_UNAVAILABLE", `${verb}: no controller answered (${m})`);
    }
    const reply = decode(data) as { ok?: boolean };
    if (reply?.ok !== true) throw fromBody(reply, `${verb} failed`);
    return reply as T;
  }
}

/**
 * The error for an API that gave no answer: TIMEOUT when it took longer than `timeoutMs`, else API_UNAVAILABLE (the
 * registry is not reachable; this says nothing about Redis, which STORE_UNAVAILABLE is about).
 */
function unreachable(base: string, err: Error, timeoutMs: number): TugError {
  if (err.name === "TimeoutError" || (err.cause as Error | undefined)?.name === "TimeoutError") {
    return new TugError("TIMEOUT", `the API at ${base} did not answer within ${timeoutMs / 1000} s`, "api");
  }
  const cause = String(err.cause ?? err.message);
  const message = `cannot reach the API at ${base} (${cause}); is a cluster running there?`;
  return new TugError("API_UNAVAILABLE", message, "api");
}

/** Builds a TugError from an error body (or a generic one when the body is not structured). */
function fromBody(body: unknown, fallback: string): TugError {
  const b = body as Partial<ErrorBody> | undefined;
  return new TugError(isErrorCode(b?.code) ? b.code : "INTERNAL", b?.message ?? fallback, b?.field);
}
