/** Compact, human-readable rendering of component output lines (pino JSON or plain text). */

const LEVELS: Record<number, string> = { 10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL" };
const SKIP = new Set(["level", "time", "msg", "pid", "hostname", "component", "v"]);

/** `name  LEVEL msg k=v …` for a pino JSON line; `name  line` for anything else. `width` pads the name column. */
export function formatLine(component: string, line: string, width = 20): string {
  const head = component.padEnd(width);
  const rec = parseJson(line);
  if (!rec) return `${head} ${line}`;
  const level = typeof rec.level === "number" ? (LEVELS[rec.level] ?? String(rec.level)) : String(rec.level ?? "");
  const fields = Object.entries(rec)
    .filter(([k]) => !SKIP.has(k))
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
  return `${head} ${level.padEnd(5)} ${String(rec.msg ?? "")}${fields ? `  ${fields}` : ""}`;
}

function parseJson(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const v = JSON.parse(line) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
