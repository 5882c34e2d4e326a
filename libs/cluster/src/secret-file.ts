/** Files only the owner may read (passwords, tokens, configs holding them): written atomically with mode 0600. */
import { chmodSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** Writes `content` to `path` (creating its folder with mode 0700) through a temp file and a rename, mode 0600. */
export function writeSecretFile(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  chmodSync(tmp, 0o600); // the mode option does not apply when the file already existed
  renameSync(tmp, path);
}
