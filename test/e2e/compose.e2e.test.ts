/**
 * End to end through compose, as a user runs it: `scripts/compose up` (what `make up` runs after the build and the
 * images), `tug apply -f examples/web.yaml`, every endpoint answers on 127.0.0.1 with its replica id, `docker kill`
 * of a replica → ready again, a worker container killed and started at once → its replicas adopted (same container
 * ids), `scripts/compose down` (= `make down`) → no container or volume of the project left.
 *
 * compose.yaml uses host networking and fixed ports (4222, 6379, 7070, 5353, 7101–7108), so two compose clusters
 * cannot share a machine: the project is always `tugboat-e2e`, and the test skips loudly when those ports are taken.
 */
import { spawn } from "node:child_process";
import { connect } from "node:net";
import { connectDockerEngine, eventually, shouldSkip } from "@tug/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  busyPorts,
  hasCompose,
  projectLeftovers,
  REPO,
  replicaContainers,
  serviceContainer,
  sh,
} from "./compose-kit.js";

const PROJECT = "tugboat-e2e";
const API = "http://127.0.0.1:7070";
const env = { TUG_COMPOSE_PROJECT: PROJECT, TUG_UP_TIMEOUT_S: "240" };

/** Why the suite cannot run here, or undefined. */
async function reasonToSkip(): Promise<string | undefined> {
  if (!(await connectDockerEngine())) return "no Docker engine could be reached or started";
  if (!(await hasCompose())) return "neither docker-compose nor `docker compose` is installed";
  if ((await projectLeftovers(PROJECT)).containers.length)
    await sh("bash", ["scripts/compose", "down"], { env, timeoutMs: 120_000 });
  const busy = await busyPorts();
  if (busy.length)
    return (
      `127.0.0.1 ports ${busy.join(", ")} are in use (compose.yaml needs them; ` +
      `another \`make up\` or \`tug up\` runs?)`
    );
  return undefined;
}

const skip = shouldSkip("the compose end-to-end test", await reasonToSkip());

interface Endpoint {
  host: string;
  port: number;
  replica: string;
  node: string;
  ready: boolean;
}

async function endpoints(): Promise<Endpoint[]> {
  const res = await fetch(`${API}/v1/services/default/web`, { signal: AbortSignal.timeout(2_000) });
  if (!res.ok) throw new Error(`GET /v1/services/default/web: ${res.status}`);
  return ((await res.json()) as { endpoints: Endpoint[] }).endpoints;
}

/** All 5 endpoints ready, each answering on 127.0.0.1 with its own replica id; returns them. */
async function fiveServing(): Promise<Endpoint[]> {
  const eps = (await endpoints()).filter((e) => e.ready);
  if (eps.length !== 5) throw new Error(`${eps.length} ready endpoints, want 5`);
  for (const e of eps) {
    expect(e.host).toBe("127.0.0.1");
    const body = (await (
      await fetch(`http://127.0.0.1:${e.port}/`, { signal: AbortSignal.timeout(2_000) })
    ).json()) as { replica: string };
    if (body.replica !== e.replica)
      throw new Error(`127.0.0.1:${e.port} answered as ${body.replica}, want ${e.replica}`);
  }
  return eps;
}

/** Runs the built CLI against the compose cluster; resolves with its exit code and output. */
function tug(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["cli/dist/main.js", "--api", API, "--nats", "nats://127.0.0.1:4222", ...args],
      { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.stderr.on("data", (d: Buffer) => (out += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

/** The registry's view of `node`. */
async function nodeView(node: string): Promise<{ status: string; instance: string }> {
  const res = await fetch(`${API}/v1/nodes`, { signal: AbortSignal.timeout(2_000) });
  const n = ((await res.json()) as { items: Array<{ id: string; status: string; instance: string }> }).items.find(
    (i) => i.id === node,
  );
  if (!n) throw new Error(`node ${node} is not registered`);
  return n;
}

/** Sorted ids of the running replica containers of `node`. */
async function nodeContainers(node: string): Promise<string[]> {
  return [...(await replicaContainers(PROJECT))]
    .filter(([, c]) => c.node === node)
    .map(([id]) => id)
    .sort();
}

describe.skipIf(skip)("compose end to end (real engine, docker-compose)", () => {
  let down = false;

  beforeAll(async () => {
    await sh("bash", ["scripts/images"], { timeoutMs: 600_000 });
    await sh("bash", ["scripts/compose", "up"], { env, timeoutMs: 300_000 });
  }, 800_000);

  afterAll(async () => {
    if (!down)
      await sh("bash", ["scripts/compose", "down"], { env, timeoutMs: 120_000 }).catch((err) => console.error(err));
  }, 130_000);

  it("tug apply -f examples/web.yaml → 5 containers Running and ready, each endpoint answers with its replica id", async () => {
    const r = await tug(["apply", "-f", "examples/web.yaml"]);
    expect(r.code, r.out).toBe(0);
    const eps = await eventually(fiveServing, {
      timeoutMs: 90_000,
      intervalMs: 500,
      what: "5 ready endpoints answering",
    });
    const running = await replicaContainers(PROJECT);
    expect(running.size).toBe(5);
    expect(new Set([...running.values()].map((c) => c.replica))).toEqual(new Set(eps.map((e) => e.replica)));
    expect(new Set([...running.values()].map((c) => c.node))).toEqual(new Set(["node-1", "node-2"]));
    // the components reached Redis as their ACL users; a client without credentials gets nothing (default user off)
    expect(await redisReply("PING")).toMatch(/^-NOAUTH/);
  }, 120_000);

  it("docker kill of one replica container → running and ready again", async () => {
    const [victim, { replica }] = [...(await replicaContainers(PROJECT))][0]!;
    await sh("docker", ["kill", victim]);
    await eventually(
      async () => {
        const running = await replicaContainers(PROJECT);
        if (running.has(victim) || running.size !== 5)
          throw new Error(`killed container still listed or ${running.size} running`);
        const eps = await fiveServing();
        return eps.some((e) => e.replica === replica) ? "restarted in place" : "replaced";
      },
      { timeoutMs: 60_000, intervalMs: 500, what: `replica ${replica} back after docker kill` },
    );
  }, 90_000);

  it("a worker container killed and started again at once adopts its replicas (same replicas, same container ids)", async () => {
    const replicasBefore = (await eventually(fiveServing, { timeoutMs: 30_000, intervalMs: 500 }))
      .map((e) => e.replica)
      .sort();
    const containersBefore = await nodeContainers("node-1");
    expect(containersBefore.length).toBeGreaterThan(0);
    const { instance } = await nodeView("node-1");
    const worker = await serviceContainer(PROJECT, "worker-1");
    const t0 = Date.now();
    await sh("docker", ["kill", worker]);
    await sh("docker", ["start", worker]);
    const startedMs = Date.now() - t0;
    let wentNotReady = false;
    const heartbeatMs = await eventually(
      async () => {
        const n = await nodeView("node-1");
        wentNotReady ||= n.status !== "Ready";
        if (n.instance === instance) throw new Error("no heartbeat from the new worker yet");
        return Date.now() - t0;
      },
      { timeoutMs: 60_000, intervalMs: 100, what: "a heartbeat of the restarted worker" },
    );
    console.log(
      JSON.stringify({
        e2e: "compose",
        worker_kill_to_started_ms: startedMs,
        worker_kill_to_first_heartbeat_ms: heartbeatMs,
        node_went_not_ready: wentNotReady,
      }),
    );
    // same replicas serving (none replaced) on the same containers, still so after the orphan grace (3 s) has passed
    const adopted = async () => {
      expect((await fiveServing()).map((e) => e.replica).sort()).toEqual(replicasBefore);
      expect(await nodeContainers("node-1")).toEqual(containersBefore);
    };
    await eventually(adopted, {
      timeoutMs: 60_000,
      intervalMs: 500,
      what: "the same replicas serving after the worker restart",
    });
    await new Promise((r) => setTimeout(r, 4_000));
    await adopted();
  }, 150_000);

  it("make down (scripts/compose down) leaves no container of the cluster and no project volume", async () => {
    down = true;
    await sh("bash", ["scripts/compose", "down"], { env, timeoutMs: 120_000 });
    expect((await replicaContainers(PROJECT, true)).size).toBe(0);
    expect(await projectLeftovers(PROJECT)).toEqual({ containers: [], volumes: [] });
  }, 130_000);
});

/** The first reply line of compose's Redis (127.0.0.1:6379) to one inline command, sent with no credentials. */
function redisReply(command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(6379, "127.0.0.1", () => sock.write(`${command}\r\n`));
    let buf = "";
    sock.setTimeout(5_000, () => sock.destroy(new Error("no reply from Redis in 5 s")));
    sock.on("data", (d) => {
      buf += String(d);
      if (buf.includes("\r\n")) {
        sock.destroy();
        resolve(buf.split("\r\n")[0]!);
      }
    });
    sock.on("error", reject);
  });
}
