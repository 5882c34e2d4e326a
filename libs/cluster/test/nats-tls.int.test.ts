/**
 * NATS over TLS as `tug up --hosts` runs it, against the real nats-server and openssl: the CA and server certificate
 * the cluster makes (CA kept across starts, the server certificate reissued for the lab's addresses), the server's
 * config with the `tls` block, and clients whose credentials files carry the CA. A client with the file's CA connects
 * and does request/reply; a client that trusts only the system's CAs and one with another cluster's CA are refused.
 * (nats.js checks an IP-addressed server's certificate against the name `localhost`, so the chain to the cluster's
 * own CA, which signs nothing else, is what identifies the server; docs/security.md, "TLS".)
 */
import { type ChildProcess, spawn } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { natsAuthOptions, readNatsCreds } from "@tug/bus";
import {
  clusterIdentities,
  ensureClusterTls,
  freePort,
  natsCredsPath,
  prepareNatsAuth,
  resolveOptions,
  waitForPort,
  writeNatsServerConf,
} from "@tug/cluster";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let dir: string;
let other: string;
let server: ChildProcess;
let port: number;
const open: NatsConnection[] = [];

async function dial(host: string, opts: object): Promise<NatsConnection> {
  const nc = await connect({ servers: `nats://${host}:${port}`, reconnect: false, timeout: 3_000, ...opts });
  open.push(nc);
  return nc;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tug-nats-tls-"));
  other = mkdtempSync(join(tmpdir(), "tug-nats-tls-other-"));
  const tls = ensureClusterTls(dir, ["10.99.0.1"]);
  const o = resolveOptions({ dataDir: dir, nodes: 1 });
  prepareNatsAuth(dir, clusterIdentities(o, ["node-1"]), tls.ca);
  port = await freePort();
  const conf = writeNatsServerConf(dir, "nats", [], tls);
  server = spawn("nats-server", ["-c", conf, "-a", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
  await waitForPort(port, 10_000);
});

afterAll(async () => {
  await Promise.all(open.map((nc) => nc.close().catch(() => undefined)));
  server?.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
  rmSync(other, { recursive: true, force: true });
});

describe("the cluster's TLS material", () => {
  it("is a CA kept across starts and a server certificate for the given addresses, keys 0600", () => {
    const ca = new X509Certificate(readFileSync(join(dir, "tls", "ca.pem")));
    const first = new X509Certificate(readFileSync(join(dir, "tls", "server.pem")));
    expect(ca.ca).toBe(true);
    expect(first.ca).toBe(false);
    expect(first.verify(ca.publicKey)).toBe(true);
    expect(first.subjectAltName).toContain("IP Address:10.99.0.1");
    expect(first.subjectAltName).toContain("IP Address:127.0.0.1");
    expect(first.subjectAltName).toContain("DNS:localhost");
    for (const f of ["ca.key", "server.key"]) expect(statSync(join(dir, "tls", f)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "tls")).mode & 0o777).toBe(0o700);

    const again = ensureClusterTls(other, ["10.99.0.2"]);
    const second = ensureClusterTls(other, ["10.99.0.3"]);
    expect(second.ca).toBe(again.ca); // the CA is made once
    const reissued = new X509Certificate(readFileSync(second.certFile));
    expect(reissued.subjectAltName).toContain("IP Address:10.99.0.3");
    expect(reissued.subjectAltName).not.toContain("IP Address:10.99.0.2");
  });
});

describe("NATS with the cluster's TLS", () => {
  it("takes a client whose credentials carry the CA: TLS verified, request/reply works", async () => {
    const creds = readNatsCreds(natsCredsPath(dir, "cli"));
    expect(creds.ca).toContain("BEGIN CERTIFICATE");
    const nc = await dial("127.0.0.1", natsAuthOptions(creds));
    expect(nc.info?.tls_required).toBe(true);
    const controller = await dial("127.0.0.1", natsAuthOptions(readNatsCreds(natsCredsPath(dir, "controller-1"))));
    controller.subscribe("tug.v1.desired.apply", { callback: (_e, m) => m.respond(new TextEncoder().encode("ok")) });
    await controller.flush();
    const reply = await nc.request("tug.v1.desired.apply", new Uint8Array(), { timeout: 3_000 });
    expect(new TextDecoder().decode(reply.data)).toBe("ok");
  });

  it("refuses a client that trusts only the system's CAs or another cluster's CA", async () => {
    const { ca: _ca, ...plain } = readNatsCreds(natsCredsPath(dir, "cli"));
    await expect(dial("127.0.0.1", natsAuthOptions(plain))).rejects.toThrow(/certificate/); // system CAs only
    const foreign = ensureClusterTls(other, []).ca;
    await expect(dial("127.0.0.1", natsAuthOptions({ ...plain, ca: foreign }))).rejects.toThrow(/certificate/);
  });
});
