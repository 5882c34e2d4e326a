/** Keyed change sets between two reads of the same kind of object (what `GET /v1/watch?view=cluster` sends). */
import type { Changes } from "@tug/contracts";

/** The last sent version of every object of one kind: id → fingerprint and object. */
export type Seen<T> = Map<string, { print: string; item: T }>;

/**
 * Compares `items` with `seen` and updates `seen` to them: objects whose fingerprint changed (or that are new) are
 * upserts, ids no longer present are removals.
 */
export function diffInto<T>(
  seen: Seen<T>,
  items: readonly T[],
  idOf: (item: T) => string,
  print: (item: T) => string = (item) => JSON.stringify(item),
): Changes<T> {
  const out: Changes<T> = { upsert: [], remove: [] };
  const present = new Set<string>();
  for (const item of items) {
    const id = idOf(item);
    const p = print(item);
    present.add(id);
    if (seen.get(id)?.print !== p) out.upsert.push(item);
    seen.set(id, { print: p, item });
  }
  for (const id of [...seen.keys()]) {
    if (present.has(id)) continue;
    seen.delete(id);
    out.remove.push(id);
  }
  return out;
}

/** Every object of `seen` as upserts (a stream's first, full message). */
export function allOf<T>(seen: Seen<T>): Changes<T> {
  return { upsert: [...seen.values()].map((v) => v.item), remove: [] };
}

/** True when `c` holds nothing. */
export function isEmpty(c: Changes<unknown>): boolean {
  return c.upsert.length === 0 && c.remove.length === 0;
}
