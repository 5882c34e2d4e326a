// Redis's own account of a window: calls and microseconds per command (INFO commandstats), so a figure for Redis's
// CPU comes with what it was spent on.

/** Parses INFO commandstats into command → { calls, usec }. */
function parse(info) {
  const out = new Map();
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm))
    out.set(m[1], { calls: Number(m[2]), usec: Number(m[3]) });
  return out;
}

/** Starts a window on `redis` (an ioredis client); `end()` returns the busiest commands, per second of the window. */
export async function redisWindow(redis, top = 8) {
  const before = parse(await redis.info("commandstats"));
  const t0 = Date.now();
  return {
    async end() {
      const s = (Date.now() - t0) / 1000;
      const rows = [];
      for (const [cmd, a] of parse(await redis.info("commandstats"))) {
        const b = before.get(cmd) ?? { calls: 0, usec: 0 };
        if (a.calls > b.calls)
          rows.push({
            cmd,
            perSecond: +((a.calls - b.calls) / s).toFixed(1),
            usecPerSecond: Math.round((a.usec - b.usec) / s),
          });
      }
      return rows.sort((x, y) => y.usecPerSecond - x.usecPerSecond).slice(0, top);
    },
  };
}
