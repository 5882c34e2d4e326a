/** Manifest files for `tug up --apply`: YAML or JSON, one or more documents, sent to the controller's intake. */
import { readFileSync } from "node:fs";
import type { Bus } from "@tug/bus";
import { subjects, toTugError } from "@tug/contracts";
import { parseAllDocuments } from "yaml";

/** Reads every non-empty document of a YAML or JSON file (JSON is YAML). Throws with the file and line on bad syntax. */
export function readManifestFile(path: string): unknown[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new Error(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseManifests(text, path);
}

/** Parses multi-document YAML/JSON text into plain values (empty documents are skipped). */
export function parseManifests(text: string, source = "input"): unknown[] {
  const docs = parseAllDocuments(text, { merge: true }); // `<<: *anchor` as in kubectl and compose
  const list = Array.isArray(docs) ? docs : [docs];
  const out: unknown[] = [];
  for (const [i, d] of list.entries()) {
    if (d.errors.length) throw new Error(`${source}: document ${i + 1}: ${d.errors[0]!.message}`);
    const v = d.toJS() as unknown;
    if (v === null || v === undefined) continue;
    if (typeof v !== "object" || Array.isArray(v)) throw new Error(`${source}: document ${i + 1} is not a mapping`);
    out.push(v);
  }
  if (!out.length) throw new Error(`${source}: no manifest found`);
  return out;
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
