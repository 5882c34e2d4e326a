/**
 * The cluster's TLS material (docs/security.md, "TLS"): a CA made once per data dir and kept (`tls/ca.pem`, its key
 * `tls/ca.key`), and a server certificate issued afresh at every `tug up` for the addresses the cluster serves on
 * (`tls/server.pem`, `tls/server.key`; EC P-256, usable by a server and, for NATS routes, as a client). Keys and the
 * folder are the owner's only (0600/0700). Made with the openssl CLI: node:crypto makes keys but signs no
 * certificates.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import { writeSecretFile } from "./secret-file.js";

/** The files of a cluster's TLS material. */
export interface ClusterTls {
  /** The CA certificate (PEM file) clients verify the servers with. */
  caFile: string;
  /** The CA certificate itself (PEM), as the credentials files carry it. */
  ca: string;
  /** The servers' certificate (PEM) and key. */
  certFile: string;
  keyFile: string;
}

/** Days a server certificate is valid (reissued at every start anyway). */
const SERVER_DAYS = 397;
/** Days the CA is valid. */
const CA_DAYS = 3650;

/** The folder of the TLS material of the cluster in `dataDir`. */
export function tlsDir(dataDir: string): string {
  return join(dataDir, "tls");
}

/**
 * Makes the CA if `dataDir` has none, then a new server certificate for `hosts` (IP addresses or DNS names) plus
 * 127.0.0.1, ::1 and localhost. Throws with openssl's message when openssl is missing or fails.
 */
export function ensureClusterTls(dataDir: string, hosts: readonly string[]): ClusterTls {
  const dir = tlsDir(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caFile = join(dir, "ca.pem");
  const caKey = join(dir, "ca.key");
  if (!existsSync(caFile) || !existsSync(caKey)) makeCa(caFile, caKey);
  const certFile = join(dir, "server.pem");
  const keyFile = join(dir, "server.key");
  issueServerCert(dir, { caFile, caKey }, { certFile, keyFile }, hosts);
  return { caFile, ca: readFileSync(caFile, "utf8"), certFile, keyFile };
}

function makeCa(caFile: string, caKey: string): void {
  openssl([
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"],
    ["-keyout", caKey, "-out", caFile, "-days", String(CA_DAYS), "-subj", "/CN=Tugboat cluster CA"],
    ["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
  ]);
  writeSecretFile(caKey, readFileSync(caKey, "utf8"));
}

function issueServerCert(
  dir: string,
  ca: { caFile: string; caKey: string },
  out: { certFile: string; keyFile: string },
  hosts: readonly string[],
): void {
  const csr = join(dir, `server.${process.pid}.csr`);
  const ext = join(dir, `server.${process.pid}.ext`);
  try {
    openssl([
      ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"],
      ["-keyout", out.keyFile, "-out", csr, "-subj", "/CN=tugboat"],
    ]);
    writeSecretFile(out.keyFile, readFileSync(out.keyFile, "utf8"));
    writeSecretFile(ext, serverExtensions(hosts));
    openssl([
      ["x509", "-req", "-in", csr, "-CA", ca.caFile, "-CAkey", ca.caKey, "-out", out.certFile],
      ["-days", String(SERVER_DAYS), "-set_serial", `0x${randomBytes(16).toString("hex")}`, "-extfile", ext],
    ]);
  } finally {
    rmSync(csr, { force: true });
    rmSync(ext, { force: true });
  }
}

/** The X.509 v3 extensions of a server certificate for `hosts` (exported for tests). */
export function serverExtensions(hosts: readonly string[]): string {
  const names = [...new Set(["127.0.0.1", "::1", "localhost", ...hosts])].map((h) =>
    isIP(h) ? `IP:${h}` : `DNS:${h}`,
  );
  return [
    "basicConstraints=critical,CA:FALSE",
    "keyUsage=critical,digitalSignature,keyEncipherment",
    "extendedKeyUsage=serverAuth,clientAuth",
    `subjectAltName=${names.join(",")}`,
    "",
  ].join("\n");
}

function openssl(parts: string[][]): void {
  try {
    execFileSync("openssl", parts.flat(), { stdio: ["ignore", "ignore", "pipe"] });
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    throw new Error(`openssl ${parts[0]![0]}: ${e.stderr?.toString().trim() || e.message}`, { cause: err });
  }
}

/**
 * nats-server's `tls` block for `t` (as an object; the config format reads JSON): the servers' certificate and a
 * handshake timeout that a busy 2-core machine meets (the default 0.5 s does not always). `routes`: for the `cluster`
 * block, where each server also verifies its peer's certificate against the CA.
 */
export function natsTlsBlock(t: ClusterTls, o: { routes?: boolean } = {}): Record<string, unknown> {
  const verify = o.routes ? { ca_file: t.caFile, verify: true } : {};
  return { cert_file: t.certFile, key_file: t.keyFile, ...verify, timeout: 5 };
}
