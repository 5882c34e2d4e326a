/**
 * The API over TLS (issue 15, point 3): a non-loopback bind without a certificate is refused at start, never served
 * in plain text; with one, the API answers HTTPS to a client that trusts the CA and to no other, and a plain-HTTP
 * request to it gets no API answer. The certificate is made here with openssl as `tug up --api-host` makes its own.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requestText } from "@tug/runtime";
import { RedisStore } from "@tug/state";
import { startRedis, type ServerHandle, uniquePrefix } from "@tug/testkit";
import type { FastifyInstance } from "fastify";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApi, type Intake } from "../src/api.js";
import { apiTlsOf, readApiTls } from "../src/api-tls.js";

const dir = mkdtempSync(join(tmpdir(), "tug-api-tls-"));
const intake: Intake = { request: async <T>() => ({ ok: true }) as T };
let redis: ServerHandle;
let store: RedisStore;
let app: FastifyInstance;
let base: string;

/** A self-signed certificate for 127.0.0.1 (its own CA), like the cluster's, in `dir`. */
function selfSigned(name: string): { certFile: string; keyFile: string } {
  const [certFile, keyFile] = [join(dir, `${name}.pem`), join(dir, `${name}.key`)];
  const args = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1"];
  const san = ["-subj", "/CN=tugboat-test", "-addext", "subjectAltName=IP:127.0.0.1"];
  execFileSync("openssl", [...args, ...san, "-keyout", keyFile, "-out", certFile], { stdio: "ignore" });
  return { certFile, keyFile };
}

beforeAll(async () => {
  redis = await startRedis();
  store = new RedisStore({ url: redis.url, prefix: uniquePrefix("api-tls") });
  const files = selfSigned("api");
  app = buildApi({ store, intake, metrics: new Registry(), token: "t".repeat(20), https: readApiTls(files) });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const addr = app.server.address() as { port: number };
  base = `https://127.0.0.1:${addr.port}`;
});
afterAll(async () => {
  await app?.close();
  await store?.close();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("API over TLS", () => {
  it("is required beyond loopback: no certificate there is a startup error; both files or neither", () => {
    expect(apiTlsOf("127.0.0.1")).toBeUndefined();
    expect(apiTlsOf("::1")).toBeUndefined();
    expect(() => apiTlsOf("10.20.30.40")).toThrow(/TUG_API_HOST 10\.20\.30\.40 .* TLS only/);
    expect(() => apiTlsOf("0.0.0.0")).toThrow(/TLS only/);
    expect(() => apiTlsOf("127.0.0.1", "/c.pem")).toThrow(/go together/);
    expect(apiTlsOf("10.20.30.40", "/c.pem", "/k.pem")).toEqual({ certFile: "/c.pem", keyFile: "/k.pem" });
    expect(() => readApiTls({ certFile: join(dir, "none.pem"), keyFile: "/k" })).toThrow(/TUG_API_TLS_CERT: cannot/);
  });

  it("answers HTTPS to a client that trusts its CA, and to no other", async () => {
    const ca = readFileSync(join(dir, "api.pem"), "utf8");
    const ok = await requestText(`${base}/v1/nodes`, { ca });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text)).toHaveProperty("items");
    await expect(requestText(`${base}/v1/nodes`)).rejects.toThrow(/self.signed|certificate/);
    const other = readFileSync(selfSigned("other").certFile, "utf8");
    await expect(requestText(`${base}/v1/nodes`, { ca: other })).rejects.toThrow(/certificate|signature/);
    const plain = await requestText(base.replace("https:", "http:") + "/v1/nodes").catch((e: Error) => e);
    expect(plain instanceof Error || plain.status === 400, "plain HTTP gets no API answer").toBe(true);
  });
});
