/** Output formatting for the CLI: aligned tables like kubectl, JSON, YAML, and human-friendly quantities. */
import { stringify } from "yaml";

/** The output formats `-o` accepts; `wide` is a table with more columns where a command has them. */
export const OUTPUT_FORMATS = ["table", "wide", "json", "yaml"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Renders rows as a table: upper-case headers, columns padded to their widest cell and separated by 3 spaces. */
export function table(
  headers: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number | undefined>>,
): string {
  const cells = [headers.map((h) => h.toUpperCase()), ...rows.map((r) => headers.map((_, i) => String(r[i] ?? "")))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
        .join("   ")
        .trimEnd(),
    )
    .join("\n");
}

/**
 * Renders `data` in `format`; `asTable` turns it into a table (or any text) for the default format, `asWide` for
 * `wide` (the table when a command has no wider one).
 */
export function render<T>(data: T, format: OutputFormat, asTable: (d: T) => string, asWide = asTable): string {
  if (format === "json") return JSON.stringify(data, null, 2);
  if (format === "yaml") return stringify(data).trimEnd();
  return format === "wide" ? asWide(data) : asTable(data);
}

/** Age like kubectl: 42s, 5m, 3h, 2d (from a timestamp in ms). */
export function age(since: number | undefined, now = Date.now()): string {
  if (!since) return "<unknown>";
  const s = Math.max(0, Math.floor((now - since) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172_800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

/**
 * Age with sub-second precision below a minute (heartbeats come every half second): `0.4s`, `12.0s`, then like age().
 */
export function heartbeatAge(since: number | undefined, now = Date.now()): string {
  if (!since) return "<never>";
  const ms = Math.max(0, now - since);
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)}s` : age(since, now);
}

/** CPU in millicores as `250m`. */
export function cpu(millis: number): string {
  return `${Math.round(millis)}m`;
}

/** Bytes as the largest binary unit that keeps an integer-ish value: `64Mi`, `1.5Gi`. */
export function memory(bytes: number): string {
  const units = ["", "Ki", "Mi", "Gi", "Ti"];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)}${units[u]}`;
}

/** A local time `HH:MM:SS` for event listings. */
export function clock(at: number): string {
  return new Date(at).toISOString().slice(11, 19);
}
