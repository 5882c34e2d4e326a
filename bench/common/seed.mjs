// Shared by bench/dns and bench/proxy: real nats-server + redis-server, endpoints seeded through RedisStore (the same
// Lua transitions the control plane uses), one Tugboat process started from dist, and bounded waits.
import { spawn } from "node:child_process";
import { manifestSchema, validate } from "@tug/contracts";
import { RedisStore } from "@tug/state";
import { startServers, uniquePrefix } from "@tug/testkit";

/** Starts nats + redis and returns them with a store on a fresh prefix. */
export async function startState() {
  const servers = await startServers();
  const prefix = uniquePrefix("bench");
  const store = new RedisStore({ url: servers.redis.url, prefix });
  await store.ready();
  await store.heartbeatNode({
    node: "n1",
    instance: "bench",
    seq: 1,
    address: "127.0.0.1",
    capacity: { cpuMillis: 1_000_000, memoryBytes: 2 ** 40 },
    labels: {},
    driver: "fake",
  });
  return {
    servers,
    prefix,
    store,
    async stop() {
      await store.close();
      await servers.stop();
    },
  };
}

/** Creates deployment `name` with ready replicas on `ports` (replica ids `<name>-r<i>`). */
export async function seedService(store, name, ports, published) {
  await store.applyDeployment(
    validate(manifestSchema, {
      name,
      command: ["x"],
      replicas: ports.length,
      ...(published ? { ports: [{ containerPort: 8080, published }] } : {}),
    }),
  );
  for (const [i, port] of ports.entries()) {
    const id = `${name}-r${i}`;
    await store.createReplica({
      id,
      deployment: `default/${name}`,
      revision: 1,
      resources: { cpuMillis: 1, memoryBytes: 1 },
      nodeSelector: {},
    });
    await store.bindReplica(id, "n1", 1);
    await store.reportReplica("n1", "127.0.0.1", { id, phase: "Running", ready: true, hostPort: port, restarts: 0 });
  }
}

/**
 * Spawns `node <entry>` with the Tugboat environment; returns the child (stdout/stderr to a buffer kept for errors).
 * `TUG_BENCH_NODE_ARGS` (space-separated) goes to node before the entry, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
 */
export function spawnTug(entry, state, env) {
  const nodeArgs = (process.env.TUG_BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, entry], {
    env: {
      ...process.env,
      TUG_NATS_URL: state.servers.nats.url,
      TUG_REDIS_URL: state.servers.redis.url,
      TUG_PREFIX: state.prefix,
      TUG_LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  child.stderr.on("data", (d) => {
    if (err.length < 10_000) err += d;
  });
  child.errText = () => err;
  return child;
}

/** Stops a child we started (SIGTERM, then SIGKILL after 5 s) and waits for it. */
export async function stopChild(child) {
  if (!child || child.exitCode !== null || child.signalCode) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const t = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(t);
}

/** Retries `check` every 100 ms until it returns truthy or `timeoutMs` passes (then throws `what`). */
export async function waitFor(what, check, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Prints one figure as a JSON line. */
export function figure(obj) {
  console.log(JSON.stringify(obj));
}
