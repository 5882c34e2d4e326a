/** Loopback port helpers shared by the local cluster and the test kit. */
import { connect, createServer } from "node:net";

/** A free TCP port on 127.0.0.1 (bound and released; another process could still take it before use). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject).listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** `count` distinct free ports (picked in batches of sockets held open together, so none repeats). */
export async function freePorts(count: number): Promise<number[]> {
  if (!Number.isInteger(count) || count < 0) throw new Error(`count must be a non-negative integer, got ${count}`);
  const found = new Set<number>();
  while (found.size < count) {
    const batch = Math.min(200, count - found.size);
    const servers = await Promise.all(
      Array.from(
        { length: batch },
        () =>
          new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
            const s = createServer();
            s.once("error", reject).listen(0, "127.0.0.1", () => resolve(s));
          }),
      ),
    );
    for (const s of servers) found.add((s.address() as { port: number }).port);
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  }
  return [...found].slice(0, count);
}

/** True when something accepts TCP connections on `host`:`port` right now (default 127.0.0.1). */
export function isListening(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const c = connect(port, host);
    c.once("connect", () => {
      c.destroy();
      resolve(true);
    }).once("error", () => resolve(false));
  });
}

/** Resolves when something accepts TCP connections on `host`:`port` (default 127.0.0.1); rejects after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs = 10_000, host = "127.0.0.1"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await isListening(port, host)) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
