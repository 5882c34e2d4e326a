// Polling for every bench: wait for a state of the world, with a deadline.

/** Polls `check` every `everyMs` until it returns a truthy value (returned) or `timeoutMs` passes (then throws). */
export async function until(what, check, timeoutMs = 60_000, everyMs = 25) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
