/** Parsing of Kubernetes-style resource quantities into integers the scheduler can add exactly. */

/** CPU as a number of cores (0.25) or millicores ("250m") → millicores. Returns NaN when unparseable. */
export function parseCpu(v: number | string): number {
  if (typeof v === "number") return Math.round(v * 1000);
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(v.trim());
  if (!m) return NaN;
  return m[2] === "m" ? Math.round(Number(m[1])) : Math.round(Number(m[1]) * 1000);
}

const MEMORY_UNITS: Record<string, number> = {
  "": 1,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
};

/** Memory as bytes (number) or "64Mi" / "1G" → bytes. Returns NaN when unparseable. */
export function parseMemory(v: number | string): number {
  if (typeof v === "number") return Math.round(v);
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|K|M|G)?$/.exec(v.trim());
  if (!m) return NaN;
  return Math.round(Number(m[1]) * MEMORY_UNITS[m[2] ?? ""]!);
}

/** Absolute or percentage amount ("25%") resolved against `total`; percentages round up for surge, down otherwise. */
export function resolveAmount(v: number | string, total: number, roundUp: boolean): number {
  if (typeof v === "number") return v;
  const pct = Number(v.slice(0, -1)) / 100;
  const raw = total * pct;
  return roundUp ? Math.ceil(raw) : Math.floor(raw);
}
