/**
 * A DNS worker process (forked by workers.ts): answers UDP queries on the registry's own DNS socket, received over
 * IPC, so more than one process reads the port. Its endpoint table is the registry's, fed over the same channel; its
 * query counts go back every 250 ms for the registry's /metrics. It says `ready` once it reads the socket, and exits
 * when the registry goes away.
 */
import type { Socket } from "node:dgram";
import { QueryCounts } from "./counts.js";
import { responder } from "./respond.js";
import { type FeedMessage, FedTable } from "./table-feed.js";

/** Messages from the registry: the socket (with its handle) or a table change. */
type ToWorker = { t: "socket" } | FeedMessage;

const COUNTS_MS = 250;

const table = new FedTable();
const counts = new QueryCounts();
const respond = responder(table, counts, (err) =>
  process.stderr.write(`dns worker ${process.pid}: answer fault: ${String((err as Error)?.stack ?? err)}\n`),
);

process.on("message", (m: ToWorker, handle: unknown) => {
  if (m.t !== "socket") return table.apply(m);
  const udp = handle as Socket;
  udp.on("message", (msg, rinfo) => {
    const out = respond(msg, "udp");
    if (out) udp.send(out, rinfo.port, rinfo.address);
  });
  udp.on("error", () => {});
  process.send?.({ t: "ready" });
});
process.on("disconnect", () => process.exit(0));
setInterval(() => {
  const d = counts.take();
  if (d.some((x) => x > 0)) process.send?.({ t: "counts", d });
}, COUNTS_MS);
