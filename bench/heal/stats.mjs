// Percentiles (nearest rank) and the one-JSON-line-per-figure output of bench/heal.

/** Nearest-rank percentile of `xs` (p in 0..100). */
export function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/** Prints one figure as a JSON line and returns it. */
export function figure(system, driver, name, samplesMs, extra = {}) {
  const line = {
    bench: "heal",
    system,
    driver,
    figure: name,
    trials: samplesMs.length,
    p50_ms: Math.round(percentile(samplesMs, 50)),
    p99_ms: Math.round(percentile(samplesMs, 99)),
    max_ms: Math.round(Math.max(...samplesMs)),
    ...extra,
  };
  console.log(JSON.stringify(line));
  return line;
}

/** Prints the ratio of two figures (peer / tugboat, > 1 = tugboat faster). */
export function ratio(name, tug, peer) {
  console.log(
    JSON.stringify({
      bench: "heal",
      figure: "ratio",
      what: name,
      p50_peer_over_tug: +(peer.p50_ms / tug.p50_ms).toFixed(2),
      p99_peer_over_tug: +(peer.p99_ms / tug.p99_ms).toFixed(2),
    }),
  );
}
