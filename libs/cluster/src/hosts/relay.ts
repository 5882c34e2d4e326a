/**
 * The control plane's door for the hosts: a TCP relay in the root namespace from `<bridge address>:<port>` to
 * `127.0.0.1:<port>`. NATS keeps listening on loopback only (nothing else on the machine can reach it), and the
 * namespaces reach it through the bridge. A partition drops the hosts' packets before they get here.
 */
import { connect, createServer, type Server, type Socket } from "node:net";

/** A listening relay. */
export interface Relay {
  /** Where the hosts connect, `address:port`. */
  readonly listen: string;
  /** Stops listening and cuts every relayed connection. Idempotent. */
  close(): Promise<void>;
}

/** Listens on `host`:`port` and relays every connection to 127.0.0.1:`targetPort`. */
export async function startRelay(host: string, port: number, targetPort: number): Promise<Relay> {
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  };
  const server: Server = createServer((inbound) => {
    const outbound = connect(targetPort, "127.0.0.1");
    track(inbound);
    track(outbound);
    inbound.setNoDelay(true);
    outbound.setNoDelay(true);
    inbound.pipe(outbound).pipe(inbound);
    const cut = () => {
      inbound.destroy();
      outbound.destroy();
    };
    inbound.once("error", cut).once("close", cut);
    outbound.once("error", cut).once("close", cut);
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, host, () => resolve()));
  let closed: Promise<void> | undefined;
  return {
    listen: `${host}:${port}`,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      })),
  };
}
