/** The short tail of a replica's output that an exit carries to `tug describe` (both drivers). */

/** Longest tail kept, in characters (the end of the output is kept). */
export const LOG_TAIL_CHARS = 1_000;

/** The last LOG_TAIL_CHARS characters of `text`, whitespace-trimmed; undefined when nothing is left. */
export function logTail(text: string): string | undefined {
  const t = text.trim();
  if (!t) return undefined;
  return t.length > LOG_TAIL_CHARS ? `…${t.slice(-LOG_TAIL_CHARS)}` : t;
}
