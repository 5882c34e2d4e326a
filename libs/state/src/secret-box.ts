/**
 * Secret env values at rest (docs/security.md): sealed with AES-256-GCM (node:crypto) under the cluster's secret key
 * before a template is stored, opened only by the health-monitor for the sync reply of the replica's own node.
 *
 * A token is `tugsec1.<kid>.<iv>.<ciphertext>.<tag>` (base64url parts). The IV is synthetic: the first 12 bytes of
 * HMAC-SHA256(macKey, name NUL value), so re-applying the same manifest gives the same token (and the same template
 * hash: no rollout), a changed value gives another (a rollout), and an IV repeats only for the very same name and
 * value (GCM's nonce rule holds). The name is the additional data: a token moved to another variable does not open.
 * `kid` names the key (first 8 hex digits of its SHA-256), so old tokens still open after a rotation.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync } from "node:crypto";
import { type Template, TugError } from "@tug/contracts";

const PREFIX = "tugsec1";
const KEY_BYTES = 32;

interface Key {
  kid: string;
  enc: Buffer;
  mac: Buffer;
}

function derive(master: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync("sha256", master, Buffer.alloc(0), info, KEY_BYTES));
}

function unavailable(message: string, field?: string): TugError {
  return new TugError("SECRETS_UNAVAILABLE", message, field);
}

/** Seals and opens secret env values with a key ring: the first key seals, every key opens its own tokens. */
export class SecretBox {
  private readonly ring: Key[];

  /** `keys`: base64 encodings of 32 random bytes, the current key first. Throws on a malformed or missing key. */
  constructor(keys: string[]) {
    if (keys.length === 0) throw new Error("a secret key ring needs at least one key");
    this.ring = keys.map((k, i) => {
      const master = Buffer.from(k, "base64");
      if (master.length !== KEY_BYTES) throw new Error(`secret key ${i + 1} is not ${KEY_BYTES} bytes in base64`);
      const kid = createHash("sha256").update(master).digest("hex").slice(0, 8);
      return { kid, enc: derive(master, "tug secret env: enc"), mac: derive(master, "tug secret env: mac") };
    });
  }

  /** Seals `value` of the variable `name` with the current key; deterministic for the same key, name and value. */
  seal(name: string, value: string): string {
    const key = this.ring[0]!;
    const iv = createHmac("sha256", key.mac).update(`${name}\0${value}`).digest().subarray(0, 12);
    const c = createCipheriv("aes-256-gcm", key.enc, iv);
    c.setAAD(Buffer.from(name));
    const ct = Buffer.concat([c.update(value, "utf8"), c.final()]);
    return [PREFIX, key.kid, iv, ct, c.getAuthTag()]
      .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
      .join(".");
  }

  /** Opens a token sealed for `name`; SECRETS_UNAVAILABLE when no key of the ring sealed it or it was altered. */
  open(name: string, token: string): string {
    const parts = token.split(".");
    const key = this.ring.find((k) => k.kid === parts[1]);
    if (parts.length !== 5 || parts[0] !== PREFIX)
      throw unavailable(`env.${name} is not a sealed secret`, `env.${name}`);
    if (!key) throw unavailable(`env.${name} was sealed with a key this process does not hold`, `env.${name}`);
    try {
      const [iv, ct, tag] = parts.slice(2).map((p) => Buffer.from(p, "base64url"));
      const d = createDecipheriv("aes-256-gcm", key.enc, iv!);
      d.setAAD(Buffer.from(name));
      d.setAuthTag(tag!);
      return Buffer.concat([d.update(ct!), d.final()]).toString("utf8");
    } catch (err) {
      throw new TugError("SECRETS_UNAVAILABLE", `env.${name} does not open: altered, or moved`, `env.${name}`, {
        cause: err,
      });
    }
  }
}

/**
 * The template a node runs: its secret env values opened and merged into `env` (`secretEnv` dropped). A template
 * without secrets is returned as it is; one with secrets and no `box` is SECRETS_UNAVAILABLE. Only for a message
 * addressed to the replica's node: the result holds plaintext.
 */
export function openTemplate(t: Template, box: SecretBox | undefined): Template {
  if (!t.secretEnv) return t;
  if (!box) throw unavailable("this process has no secret key to open secret env values");
  const { secretEnv, ...rest } = t;
  const opened = Object.fromEntries(Object.entries(secretEnv).map(([k, v]) => [k, box.open(k, v)]));
  return { ...rest, env: { ...t.env, ...opened } };
}

/** Key ring text (a key file, or `TUG_SECRET_KEY`): one base64 key per line or comma, `#` comments, current first. */
export function parseSecretKeys(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((l) => l.replace(/#.*/, "").trim())
    .filter((l) => l.length > 0);
}
