// The server's side of a request's latency, from a process's `tug_bus_request_seconds` histogram (wait: sent → its
// handler started; handle: handler start → reply). Two scrapes make a window; percentiles are bucket upper bounds.

/** Cumulative bucket counts of `subject`, per phase: { wait: Map(le → count), handle: … }, from one /metrics scrape. */
export async function scrapeServed(healthPort, subject) {
  const text = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
  const out = { wait: new Map(), handle: new Map() };
  const re = /^tug_bus_request_seconds_bucket\{([^}]*)\} (\d+)/gm;
  for (const [, labels, count] of text.matchAll(re)) {
    const l = Object.fromEntries([...labels.matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k, v]));
    if (l.subject === subject && out[l.phase]) out[l.phase].set(l.le, Number(count));
  }
  return out;
}

/** The bucket bound (ms) under which fraction `p` of the window's observations fall (`le` "+Inf" → Infinity). */
function bound(before, after, p) {
  const rows = [...after].map(([le, n]) => [le === "+Inf" ? Infinity : Number(le) * 1000, n - (before.get(le) ?? 0)]);
  rows.sort((a, b) => a[0] - b[0]);
  const total = rows.at(-1)?.[1] ?? 0;
  if (total === 0) return undefined;
  return rows.find(([, n]) => n >= p * total)[0];
}

/** p50/p99 upper bounds (ms) of each phase between two scrapes, and the count. */
export function servedSplit(before, after) {
  const n = [...after.handle].find(([le]) => le === "+Inf")?.[1] - (before.handle.get("+Inf") ?? 0);
  const f = (phase, p) => bound(before[phase], after[phase], p);
  return {
    served: n,
    waitP50MsAtMost: f("wait", 0.5),
    waitP99MsAtMost: f("wait", 0.99),
    handleP50MsAtMost: f("handle", 0.5),
    handleP99MsAtMost: f("handle", 0.99),
  };
}
