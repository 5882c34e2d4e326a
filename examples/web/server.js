// Example workload: a tiny HTTP server that answers with its replica id and version.
// Env: PORT (default 8080), TUG_BIND_ADDRESS or HOST (the address to listen on; default 0.0.0.0, as in a container),
// TUG_REPLICA_ID, VERSION (default "1"), FAIL_READINESS=1 makes /healthz fail.
import { createServer } from "node:http";

const port = Number(process.env.PORT || 8080);
const host = process.env.TUG_BIND_ADDRESS || process.env.HOST || "0.0.0.0";
const replica = process.env.TUG_REPLICA_ID || "unknown";
const version = process.env.VERSION || "1";
const failReadiness = process.env.FAIL_READINESS === "1";
let inFlight = 0;

const server = createServer((req, res) => {
  inFlight++;
  res.on("finish", () => inFlight--);
  if (req.url === "/healthz") {
    res
      .writeHead(failReadiness ? 503 : 200, { "content-type": "text/plain" })
      .end(failReadiness ? "not ready\n" : "ok\n");
    return;
  }
  const body = JSON.stringify({
    replica,
    version,
    node: process.env.TUG_NODE || "",
    greeting: process.env.GREETING || "hello",
  });
  res.writeHead(200, { "content-type": "application/json", "x-replica": replica }).end(body + "\n");
});
server.keepAliveTimeout = 2_000;
server.listen(port, host, () => console.log(JSON.stringify({ msg: "listening", host, port, replica, version })));
const stop = () => server.close(() => process.exit(0)) && setTimeout(() => process.exit(0), 5_000).unref();
process.on("SIGTERM", stop).on("SIGINT", stop);
