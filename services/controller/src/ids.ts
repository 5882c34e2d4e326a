/** Replica naming: `<name>-<revision>-<5 random chars>`, a valid DNS label and subject token. */
import { randomBytes } from "node:crypto";

const ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/** A fresh replica id for deployment `name` at `revision`. */
export function newReplicaId(name: string, revision: number): string {
  const bytes = randomBytes(5);
  let suffix = "";
  for (const b of bytes) suffix += ALPHABET[b % ALPHABET.length];
  return `${name.slice(0, 50)}-${revision}-${suffix}`;
}
