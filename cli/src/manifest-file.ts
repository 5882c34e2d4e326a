/**
 * Reads manifest files: YAML or JSON, one or several documents separated by `---`, from a path or stdin. YAML merge
 * keys (`<<: *anchor`) work as in kubectl and Docker Compose; top-level `x-…` keys (Compose's extension fields, a
 * place for anchors) and `status` (read-only, in `tug get deployment NAME -o yaml`) are dropped, as kubectl ignores
 * status. Invalid YAML is a usage error naming the document, line and column.
 */
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { UsageError } from "./errors.js";

/** Parses `text` into manifest objects; empty documents are skipped, anything that is not a mapping is an error. */
export function parseManifests(text: string, source = "input"): Array<Record<string, unknown>> {
  const docs = parseAllDocuments(text, { prettyErrors: true, merge: true });
  const out: Array<Record<string, unknown>> = [];
  for (const [i, doc] of docs.entries()) {
    const err = doc.errors[0];
    if (err)
      throw new UsageError(
        `${source}: document ${i + 1} is not valid YAML or JSON: ${err.message.split("\n")[0]!.replace(/:\s*$/, "")}`,
      );
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    if (typeof value !== "object" || Array.isArray(value))
      throw new UsageError(
        `${source}: document ${i + 1} must be a mapping (a manifest object), got ${Array.isArray(value) ? "a list" : typeof value}`,
      );
    out.push(Object.fromEntries(Object.entries(value).filter(([k]) => !k.startsWith("x-") && k !== "status")));
  }
  if (out.length === 0) throw new UsageError(`${source}: no manifest found`);
  return out;
}

/** Reads and parses the file at `path` (`-` = stdin). */
export function readManifestFile(path: string): Array<Record<string, unknown>> {
  let text: string;
  try {
    text = readFileSync(path === "-" ? 0 : path, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read ${path === "-" ? "stdin" : path}: ${(err as Error).message}`);
  }
  return parseManifests(text, path === "-" ? "stdin" : path);
}
