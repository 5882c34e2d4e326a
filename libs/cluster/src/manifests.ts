/**
 * Manifest files, for `tug apply -f` and `tug up --apply`: YAML or JSON, one or several documents separated by `---`,
 * from a path or stdin (`-`). YAML merge keys (`<<: *anchor`) work as in kubectl and Docker Compose; top-level `x-…`
 * keys (Compose's extension fields, a place for anchors) and `status` (read-only, in `tug get deployment NAME -o yaml`)
 * are dropped, as kubectl ignores status. Invalid YAML names the document, line and column. Applying sends each
 * manifest to the controller's intake.
 */
import { readFileSync } from "node:fs";
import type { Bus } from "@tug/bus";
import { subjects, toTugError } from "@tug/contracts";
import { parseAllDocuments } from "yaml";

/** A manifest file that cannot be read or parsed: the caller's input is wrong (the CLI exits 2). */
export class ManifestFileError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ManifestFileError";
  }
}

/** Parses `text` into manifest objects; empty documents are skipped, anything that is not a mapping is an error. */
export function parseManifests(text: string, source = "input"): Array<Record<string, unknown>> {
  const docs = parseAllDocuments(text, { prettyErrors: true, merge: true });
  const out: Array<Record<string, unknown>> = [];
  for (const [i, doc] of docs.entries()) {
    const where = `${source}: document ${i + 1}`;
    const err = doc.errors[0];
    if (err)
      throw new ManifestFileError(
        `${where} is not valid YAML or JSON: ${err.message.split("\n")[0]!.replace(/:\s*$/, "")}`,
      );
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    if (typeof value !== "object" || Array.isArray(value))
      throw new ManifestFileError(
        `${where} must be a mapping (a manifest object), got ${Array.isArray(value) ? "a list" : typeof value}`,
      );
    out.push(Object.fromEntries(Object.entries(value).filter(([k]) => !k.startsWith("x-") && k !== "status")));
  }
  if (out.length === 0) throw new ManifestFileError(`${source}: no manifest found`);
  return out;
}

/** Reads and parses the file at `path` (`-` = stdin). */
export function readManifestFile(path: string): Array<Record<string, unknown>> {
  let text: string;
  try {
    text = readFileSync(path === "-" ? 0 : path, "utf8");
  } catch (err) {
    throw new ManifestFileError(`cannot read ${path === "-" ? "stdin" : path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return parseManifests(text, path === "-" ? "stdin" : path);
}

/** Outcome of one apply. */
export type ApplyOutcome =
  | { ok: true; name: string; revision: number; unchanged?: boolean }
  | { ok: false; name: string; code: string; message: string; field?: string };

/** Sends each manifest through `tug.v1.desired.apply`, in order, and collects the replies (never throws). */
export async function applyManifests(bus: Bus, manifests: unknown[], timeoutMs = 10_000): Promise<ApplyOutcome[]> {
  const out: ApplyOutcome[] = [];
  for (const m of manifests) {
    const rec = m as { name?: unknown; namespace?: unknown };
    const name = `${typeof rec.namespace === "string" ? rec.namespace : "default"}/${String(rec.name ?? "?")}`;
    try {
      const r = await bus.request<{ revision: number; unchanged?: boolean }>(
        subjects.desired("apply"),
        "desired.apply",
        m,
        timeoutMs,
      );
      out.push({ ok: true, name, revision: r.revision, ...(r.unchanged ? { unchanged: true } : {}) });
    } catch (err) {
      const e = toTugError(err);
      out.push({ ok: false, name, code: e.code, message: e.message, ...(e.field ? { field: e.field } : {}) });
    }
  }
  return out;
}
