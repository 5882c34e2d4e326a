/**
 * NATS credentials of one identity (docs/security.md, "NATS identities"): a user name and a password, kept in a
 * small JSON file (mode 0600) that `tug up` and `tug node add` write. A process finds its file through
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
  return { user: c.user, password: c.password };
}

/** The credentials `TUG_NATS_CREDS` names, or undefined when it is unset or empty (connect without any). */
export function natsCredsFromEnv(env: NodeJS.ProcessEnv = process.env): NatsCreds | undefined {
  const path = env[NATS_CREDS_ENV]?.trim();
  return path ? readNatsCreds(path) : undefined;
}

/**
 * The nats.js connect options for `creds`: user, password and the identity's own inbox prefix. Undefined creds
 * give no options (a server without authorization, as the integration tests run).
 */
export function natsAuthOptions(creds: NatsCreds | undefined): { user?: string; pass?: string; inboxPrefix?: string } {
  if (!creds) return {};
  return { user: creds.user, pass: creds.password, inboxPrefix: subjects.inbox(creds.user) };
}
