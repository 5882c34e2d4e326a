/**
 * The NATS identities of a local cluster, kept in `<dataDir>/nats-auth/` (mode 0700): one credentials file per
 * identity, `<user>.creds` (mode 0600, JSON: user, password, role, nodes, source), and `auth.conf`, nats-server's
 * authorization block made from all of them (mode 0600; nats-server reads it at start and on a reload). `tug up`
 * writes the identities of the processes it starts (source `up`); `tug node add` writes one for a node that joins
 * from another host (source `node-add`), which later `tug up`s keep. While the cluster's NATS speaks TLS every file
 * also carries the cluster's CA certificate (`ca`), so one file is all a client needs.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { token } from "@tug/contracts";
import { writeSecretFile } from "../secret-file.js";
import { type ClusterTls, natsTlsBlock } from "../tls.js";
import { type NatsIdentity, NATS_ROLES, permissionsOf } from "./permissions.js";

/** A stored identity: the identity, its password, and who made it. */
export interface StoredIdentity extends NatsIdentity {
  password: string;
  /** `up`: made (and removed when no longer needed) by `tug up`; `node-add`: by `tug node add`, kept. */
  source: "up" | "node-add";
  /** The cluster's CA certificate (PEM) while its NATS speaks TLS (clients verify the servers with it). */
  ca?: string;
}

/** The folder of a cluster's NATS identities. */
export function natsAuthDir(dataDir: string): string {
  return join(dataDir, "nats-auth");
}

/** The credentials file of `user` (what `TUG_NATS_CREDS` and `tug worker --creds` point at). */
export function natsCredsPath(dataDir: string, user: string): string {
  return join(natsAuthDir(dataDir), `${token(user)}.creds`);
}

/** nats-server's authorization config of the cluster (`nats-server -c <this>`). */
export function natsAuthConfPath(dataDir: string): string {
  return join(natsAuthDir(dataDir), "auth.conf");
}

/** Every stored identity (files that do not parse as one are skipped). */
export function storedIdentities(dataDir: string): StoredIdentity[] {
  let files: string[];
  try {
    files = readdirSync(natsAuthDir(dataDir)).filter((f) => f.endsWith(".creds"));
  } catch {
    return [];
  }
  return files.flatMap((f) => {
    const id = readIdentity(join(natsAuthDir(dataDir), f));
    return id ? [id] : [];
  });
}

function readIdentity(path: string): StoredIdentity | undefined {
  try {
    const s = JSON.parse(readFileSync(path, "utf8")) as Partial<StoredIdentity>;
    const ok =
      typeof s.user === "string" &&
      typeof s.password === "string" &&
      (NATS_ROLES as readonly string[]).includes(s.role ?? "") &&
      (s.source === "up" || s.source === "node-add");
    return ok ? (s as StoredIdentity) : undefined;
  } catch {
    return undefined;
  }
}

function newPassword(): string {
  return randomBytes(24).toString("base64url");
}

/** Writes one identity's credentials file; returns its path. */
function writeIdentity(dataDir: string, id: StoredIdentity): string {
  const path = natsCredsPath(dataDir, id.user);
  writeSecretFile(path, `${JSON.stringify(id, null, 2)}\n`);
  return path;
}

function ensureDir(dataDir: string): void {
  mkdirSync(natsAuthDir(dataDir), { recursive: true, mode: 0o700 });
  chmodSync(natsAuthDir(dataDir), 0o700);
}

/**
 * Makes the identities of the processes `tug up` starts: an existing file of the same user and role keeps its
 * password (a restarted cluster's processes and the CLI keep working), anything else gets a new one. Files of
 * earlier `tug up`s that are no longer needed are removed; `tug node add` identities are kept. Rewrites auth.conf.
 * Idempotent.
 */
export function prepareNatsAuth(dataDir: string, identities: NatsIdentity[], ca?: string): void {
  ensureDir(dataDir);
  const old = new Map(storedIdentities(dataDir).map((s) => [s.user, s]));
  const wanted = new Set(identities.map((i) => i.user));
  for (const s of old.values()) {
    if (s.source === "up" && !wanted.has(s.user)) rmSync(natsCredsPath(dataDir, s.user), { force: true });
    else if (s.source === "node-add" && !wanted.has(s.user)) writeIdentity(dataDir, withCa(s, ca));
  }
  for (const id of identities) {
    const prev = old.get(id.user);
    const password = prev && prev.role === id.role ? prev.password : newPassword();
    writeIdentity(dataDir, withCa({ ...id, password, source: "up" }, ca));
  }
  writeNatsAuthConf(dataDir);
}

/** `id` carrying `ca` (or none when the cluster's NATS is not TLS). */
function withCa(id: StoredIdentity, ca: string | undefined): StoredIdentity {
  const { ca: _old, ...rest } = id;
  return ca ? { ...rest, ca } : rest;
}

/**
 * Makes (or, with `rotate`, replaces the password of) the credentials of node `name`, speaking for `nodes`
 * (default: just `name`), and rewrites auth.conf; returns the credentials file. Without `rotate` an existing node
 * identity is returned unchanged (so running it twice hands out the same file). A name taken by another role throws.
 */
export function addNodeIdentity(dataDir: string, name: string, o: { rotate?: boolean; nodes?: string[] } = {}): string {
  token(name);
  ensureDir(dataDir);
  const prev = storedIdentities(dataDir).find((s) => s.user === name);
  if (prev && prev.role !== "node") throw new Error(`${name} is the name of the cluster's ${prev.role} identity`);
  const nodes = (o.nodes ?? [name]).map(token);
  const keep = prev && !o.rotate && sameNodes(prev.nodes ?? [], nodes);
  const ca = storedIdentities(dataDir).find((s) => s.source === "up")?.ca; // the running cluster's, if TLS
  const made: StoredIdentity = { user: name, role: "node", nodes, password: newPassword(), source: "node-add" };
  const path = keep ? natsCredsPath(dataDir, name) : writeIdentity(dataDir, withCa(made, ca));
  writeNatsAuthConf(dataDir);
  return path;
}

function sameNodes(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

/** Writes auth.conf from every stored identity: users with their passwords and permissions. Returns its path. */
export function writeNatsAuthConf(dataDir: string): string {
  ensureDir(dataDir);
  const users = storedIdentities(dataDir)
    .sort((a, b) => a.user.localeCompare(b.user))
    .map((s) => ({ user: s.user, password: s.password, permissions: permissionsOf(s) }));
  const path = natsAuthConfPath(dataDir);
  const head = "# Written by tug up / tug node add from the .creds files beside it; edits are overwritten.\n";
  writeSecretFile(path, `${head}authorization: ${JSON.stringify({ users }, null, 1)}\n`);
  return path;
}

/**
 * Writes `<dataDir>/nats-auth/<name>.conf` (mode 0600), the config one nats-server runs from: the `extra` lines
 * (`--ha`: its cluster block), a `tls` block when the cluster runs TLS (every client connection then is TLS), and the
 * clients' authorization (`include auth.conf`, so a reload picks up `tug node add`). Returns its path.
 */
export function writeNatsServerConf(dataDir: string, name: string, extra: string[], tls?: ClusterTls): string {
  const path = join(natsAuthDir(dataDir), `${token(name)}.conf`);
  const lines = [...extra, ...(tls ? [`tls: ${JSON.stringify(natsTlsBlock(tls))}`] : []), "include auth.conf", ""];
  writeSecretFile(path, lines.join("\n"));
  return path;
}
