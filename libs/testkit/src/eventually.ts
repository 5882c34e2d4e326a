/** State-of-the-world assertions: retry `check` until it passes or the timeout ends (then rethrow its error). */
export async function eventually<T>(
  check: () => T | Promise<T>,
  opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  let last: unknown;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const msg = `eventually(${opts.what ?? "check"}) timed out: ${(last as Error)?.message ?? String(last)}`;
      throw new Error(msg, { cause: last });
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
}
