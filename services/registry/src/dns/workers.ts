/**
 * DNS worker processes: `count` children of the registry that read its UDP socket too (the socket's handle is passed
 * over IPC, so the kernel hands each datagram to one of the readers). Each gets the endpoint table at start and every
 * change after; their query counts are merged into the registry's. A worker that exits is started again (after 1 s,
 * doubling to 30 s while it keeps failing); `close` stops them all. `alive` is for /healthz.
 */
import { type ChildProcess, fork } from "node:child_process";
import type { Socket } from "node:dgram";
import type { Logger } from "@tug/log";
import type { QueryCounts } from "./counts.js";
import type { FeedMessage, TableFeed } from "./table-feed.js";

/** The running workers. */
export interface DnsWorkers {
  /** True while every worker runs and reads the socket. */
  alive(): boolean;
  /** Process ids of the running workers (tests and diagnostics). */
  pids(): number[];
  /** Stops every worker (and their restarts); resolves once they have exited. */
  close(): Promise<void>;
}

/** The worker's entry: worker.js beside this module in dist. */
export const WORKER_ENTRY = new URL("./worker.js", import.meta.url);
const RESTART_MS = 1_000;
const RESTART_MAX_MS = 30_000;
/** A worker that ran this long before exiting is restarted after the first delay again. */
const STABLE_MS = 10_000;

/** Starts `count` workers on `socket`, answering from `table` and counting into `counts`. */
export function startDnsWorkers(o: {
  count: number;
  socket: Socket;
  table: TableFeed;
  counts: QueryCounts;
  log: Logger;
  /** Default WORKER_ENTRY (tests running from src pass the built one). */
  entry?: URL;
}): DnsWorkers {
  const children = new Set<ChildProcess>();
  const ready = new WeakSet<ChildProcess>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  const send = (m: FeedMessage) => {
    for (const c of children) if (c.connected) c.send(m);
  };
  const unfollow = o.table.onChange((id, entry) => send(entry ? { t: "set", id, entry } : { t: "del", id }));

  const start = (slot: number, delayMs: number) => {
    const child = fork(o.entry ?? WORKER_ENTRY, [], { stdio: ["ignore", "ignore", "inherit", "ipc"], execArgv: [] });
    const began = Date.now();
    children.add(child);
    child.on("message", (m: { t?: string; d?: number[] }) => {
      if (m?.t === "counts" && Array.isArray(m.d)) o.counts.merge(m.d);
      else if (m?.t === "ready") ready.add(child);
    });
    child.on("error", (err) => o.log.warn({ slot, err: String(err) }, "dns worker error"));
    child.send({ t: "all", entries: o.table.entries() } satisfies FeedMessage);
    child.send({ t: "socket" }, o.socket);
    child.once("exit", (code, signal) => {
      children.delete(child);
      if (closed) return;
      const next = Date.now() - began >= STABLE_MS ? RESTART_MS : Math.min(RESTART_MAX_MS, delayMs * 2);
      o.log.warn({ slot, pid: child.pid, code, signal, restartInMs: next }, "dns worker exited; restarting");
      const t = setTimeout(() => {
        timers.delete(t);
        if (!closed) start(slot, next);
      }, next);
      timers.add(t);
    });
  };
  for (let slot = 0; slot < o.count; slot++) start(slot, RESTART_MS / 2);

  return {
    pids: () => [...children].flatMap((c) => (c.pid ? [c.pid] : [])),
    alive: () => closed || (children.size === o.count && [...children].every((c) => c.connected && ready.has(c))),
    async close() {
      closed = true;
      unfollow();
      for (const t of timers) clearTimeout(t);
      await Promise.all(
        [...children].map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null || c.signalCode !== null) return resolve();
              c.once("exit", () => resolve());
              c.kill("SIGTERM");
            }),
        ),
      );
    },
  };
}
