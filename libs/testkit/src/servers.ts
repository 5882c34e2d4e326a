/**
 * Real nats-server and redis-server as child processes on free loopback ports, for integration and system tests.
 * Every test gets its own servers (or at least its own key prefix); `stop()` ends exactly the processes started.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { freePort, waitForPort } from "@tug/cluster";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";

export { freePort, freePorts, waitForPort } from "@tug/cluster";

/** A started server process. */
export interface ServerHandle {
  port: number;
  url: string;
  proc: ChildProcess;
  dir: string;
  /** SIGKILL (crash) or SIGTERM (clean) the server, then wait for its exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Start it again on the same port with the same data dir. */
  restart(): Promise<void>;
}

/** Data dirs this process made for its servers: removed when it exits (a server can restart from its dir until then). */
const madeDirs = new Set<string>();
process.once("exit", () => {
  for (const d of madeDirs) rmSync(d, { recursive: true, force: true });
});

async function startServer(
  bin: string,
  args: (port: number, dir: string) => string[],
  scheme: string,
  port?: number,
  dir?: string,
): Promise<ServerHandle> {
  const p = port ?? (await freePort());
  const d = dir ?? mkdtempSync(join(tmpdir(), `tug-${bin}-`));
  madeDirs.add(d);
  const proc = spawn(bin, args(p, d), { stdio: "ignore" });
  const exited = new Promise<void>((r) => proc.once("exit", () => r()));
  await Promise.race([
    waitForPort(p),
    exited.then(() => {
      throw new Error(`${bin} exited at start`);
    }),
  ]);
  const handle: ServerHandle = {
    port: p,
    url: `${scheme}://127.0.0.1:${p}`,
    proc,
    dir: d,
    async stop(signal = "SIGTERM") {
      if (handle.proc.exitCode === null && handle.proc.signalCode === null) {
        const gone = new Promise<void>((r) => handle.proc.once("exit", () => r()));
        handle.proc.kill(signal);
        await gone;
      }
    },
    async restart() {
      await handle.stop();
      const again = await startServer(bin, args, scheme, p, d);
      handle.proc = again.proc;
    },
  };
  return handle;
}

/**
 * Starts one Redis Sentinel on a free port that monitors the primary on `primaryPort` as `masterName` (quorum 1,
 * a primary silent for 1 s is down; with `password`, no client without it); its config file lives in its own
 * temporary dir.
 */
export function startSentinel(primaryPort: number, masterName = "tug", password?: string): Promise<ServerHandle> {
  const dir = mkdtempSync(join(tmpdir(), "tug-sentinel-"));
  const conf = join(dir, "sentinel.conf");
  writeFileSync(
    conf,
    [
      `sentinel monitor ${masterName} 127.0.0.1 ${primaryPort} 1`,
      `sentinel down-after-milliseconds ${masterName} 1000`,
      ...(password ? [`requirepass ${password}`] : []),
      "",
    ].join("\n"),
  );
  return startServer("redis-server", (port) => [conf, "--sentinel", "--port", String(port)], "redis", undefined, dir);
}

/** Starts `nats-server -js` on a free port. */
export function startNats(): Promise<ServerHandle> {
  return startServer("nats-server", (port, dir) => ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", dir], "nats");
}

/**
 * Starts `redis-server` on a free port, AOF on with fsync always (as `tug up` runs it); `extra` arguments go after
 * (e.g. `--replicaof 127.0.0.1 <port>`, `--min-replicas-to-write 1`).
 */
export function startRedis(extra: string[] = []): Promise<ServerHandle> {
  return startServer(
    "redis-server",
    (port, dir) => [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--save",
      "",
      "--appendonly",
      "yes",
      "--appendfsync",
      "always",
      ...extra,
    ],
    "redis",
  );
}

/** nats + redis together, stopped with one call (and their temp dirs removed). */
export interface TestServers {
  nats: ServerHandle;
  redis: ServerHandle;
  stop(): Promise<void>;
}

export async function startServers(): Promise<TestServers> {
  const [nats, redis] = await Promise.all([startNats(), startRedis()]);
  return {
    nats,
    redis,
    async stop() {
      await Promise.all([nats.stop(), redis.stop()]);
      for (const d of [nats.dir, redis.dir]) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** A unique Redis key prefix for one test. */
export function uniquePrefix(name = "t"): string {
  return `${name}-${randomBytes(4).toString("hex")}`;
}
