/**
 * NATS credentials of one identity (docs/security.md, "NATS identities"): a user name and a password, and when the
 * cluster's NATS speaks TLS the CA certificate to verify it with (as a kubeconfig carries its cluster's CA), kept in
 * a small JSON file (mode 0600) that `tug up` and `tug node add` write. A process finds its file through
 * `TUG_NATS_CREDS`; the CLI also looks in its data dir. The identity's reply inboxes live under
 * `_INBOX.<user>`, the only inboxes its permissions let it subscribe to.
 */
import { readFileSync } from "node:fs";
import { subjects, TugError } from "@tug/contracts";

/** One identity's credentials. */
export interface NatsCreds {
  /** The NATS user name; also the identity's name (a subject token). */
  user: string;
  password: string;
  /** The CA certificate (PEM) the servers' TLS certificates are verified with; absent when NATS is not TLS. */
  ca?: string;
}

/** The environment variable naming a credentials file. */
export const NATS_CREDS_ENV = "TUG_NATS_CREDS";

/**
 * Reads a credentials file (`{ "user": …, "password": … }`). A missing, unreadable or malformed file throws
 * TugError `NATS_CREDS_INVALID` naming the path, so a process fails at start rather than retrying forever.
 */
export function readNatsCreds(path: string): NatsCreds {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new TugError("NATS_CREDS_INVALID", `cannot read NATS credentials ${path}: ${why}`, NATS_CREDS_ENV);
  }
  const c = raw as Partial<NatsCreds> | null;
  if (typeof c?.user !== "string" || typeof c.password !== "string" || !c.user || !c.password)
    throw new TugError("NATS_CREDS_INVALID", `${path} is not a NATS credentials file (user, password)`, NATS_CREDS_ENV);
  if (c.ca !== undefined && (typeof c.ca !== "string" || !c.ca.includes("-----BEGIN CERTIFICATE-----")))
    throw new TugError("NATS_CREDS_INVALID", `${path}: ca is not a PEM certificate`, NATS_CREDS_ENV);
  return { user: c.user, password: c.password, ...(c.ca ? { ca: c.ca } : {}) };
}

/** The credentials `TUG_NATS_CREDS` names, or undefined when it is unset or empty (connect without any). */
export function natsCredsFromEnv(env: NodeJS.ProcessEnv = process.env): NatsCreds | undefined {
  const path = env[NATS_CREDS_ENV]?.trim();
  return path ? readNatsCreds(path) : undefined;
}

/** The nats.js connect options natsAuthOptions gives. */
export interface NatsAuthOptions {
  user?: string;
  pass?: string;
  inboxPrefix?: string;
  /** TLS required, verified with this CA only (the server must offer TLS). */
  tls?: { ca: string };
}

/**
 * The nats.js connect options for `creds`: user, password, the identity's own inbox prefix and, when the creds carry
 * a CA, TLS verified against it. Undefined creds give no options (a server without authorization or TLS, as the
 * integration tests run).
 */
export function natsAuthOptions(creds: NatsCreds | undefined): NatsAuthOptions {
  if (!creds) return {};
  const tls = creds.ca ? { tls: { ca: creds.ca } } : {};
  return { user: creds.user, pass: creds.password, inboxPrefix: subjects.inbox(creds.user), ...tls };
}
