/** Connecting to an upstream with failover, and splicing two sockets together. */
import { connect, type Socket } from "node:net";
import type { Balancer, Target } from "./balancer.js";

/** How many endpoints one new connection may try. */
export const MAX_ATTEMPTS = 3;
/** How long one connect attempt may take. */
export const CONNECT_TIMEOUT_MS = 2_000;

/** Connects to one target; rejects on error or timeout. */
export function dial(t: Target, timeoutMs = CONNECT_TIMEOUT_MS): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: t.host, port: t.port, allowHalfOpen: true });
    const fail = (err: Error) => {
      s.destroy();
      reject(err);
    };
    s.setTimeout(timeoutMs, () => fail(new Error(`connect to ${t.host}:${t.port} timed out`)));
    s.once("error", fail);
    s.once("connect", () => {
      s.setTimeout(0);
      s.off("error", fail);
      resolve(s);
    });
  });
}

/**
 * Tries the balancer's next targets in turn (up to `attempts`, skipping and adding to `tried`), returning the first
 * socket that connects and its target. The pick counts as open on the balancer from the moment it is made (the
 * caller reports `closed` when it ends), so a burst of connections spreads under least-connections too.
 */
export async function dialAny(
  balancer: Balancer,
  attempts = MAX_ATTEMPTS,
  dialer = dial,
  tried = new Set<string>(),
): Promise<{ socket: Socket; target: Target } | undefined> {
  for (let i = 0; i < attempts; i++) {
    const target = balancer.next(tried);
    if (!target) return undefined;
    tried.add(target.key);
    balancer.opened(target.key);
    try {
      return { socket: await dialer(target), target };
    } catch {
      balancer.closed(target.key); // try the next endpoint
    }
  }
  return undefined;
}

/** Pipes `a` and `b` both ways; resolves once both are closed. Either side failing tears down the other. */
export function splice(a: Socket, b: Socket): Promise<void> {
  a.pipe(b);
  b.pipe(a);
  const closed = (s: Socket) => new Promise<void>((r) => (s.destroyed ? r() : s.once("close", () => r())));
  a.on("error", () => b.destroy());
  b.on("error", () => a.destroy());
  a.once("close", () => b.end(() => b.destroy()));
  b.once("close", () => a.end(() => a.destroy()));
  return Promise.all([closed(a), closed(b)]).then(() => undefined);
}
