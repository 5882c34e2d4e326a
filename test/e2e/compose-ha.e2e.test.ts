/**
 * compose.ha.yaml end to end through testcontainers' compose support (DockerComposeEnvironment, on docker-compose
 * v1 when `docker compose` v2 is not installed): a 3-server NATS cluster, Redis primary + 2 replicas + 3 Sentinels
 * and 2 instances of every role come up healthy; SIGKILL of the Redis primary's container while 20 applies are in
 * flight (started again after the failover) loses no acknowledged apply and the cluster converges on the promoted replica; SIGKILL of one NATS server's
 * container leaves the cluster converging; `down` leaves no container or volume of the project.
 *
 * Authorization is on, as `scripts/compose up --ha` runs it: the credentials are written into a temp dir by the same
 * scripts (scripts/lib/nats-auth.mjs --ha, scripts/lib/redis-auth.mjs) and mounted from there (TUG_COMPOSE_DATA_DIR);
 * the test's own clients use the `cli` NATS identity, the `admin` Redis user and the Sentinels' password
 * (redis-auth/sentinel-access.pass). A NATS connection or route without credentials is refused, a Redis or Sentinel
 * client without them gets NOAUTH, and each container mounts only its own secrets.
 *
 * Replicas run with the process driver inside the worker containers (this test is about the control plane; the
 * docker driver's containers are compose.e2e.test.ts's). Host networking and fixed ports, as compose.yaml: the test
 * skips loudly (fails under CI) when those ports are taken.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect as natsConnect } from "@nats-io/transport-node";
import { Bus, readNatsCreds } from "@tug/bus";
import { SENTINEL_PERIODS_MS } from "@tug/cluster";
import { silentLogger } from "@tug/log";
import { oneShot, RedisStore, sentinelAuth, sentinelKnows, sentinelPeriods, sentinelPrimary } from "@tug/state";
import { connectDockerEngine, eventually, shouldSkip } from "@tug/testkit";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectCount, intake, readyReplicas } from "../system/helpers.js";
import { appliesAroundFault, converged, reapplyRefused, sleeper } from "../system/ha-workload.js";
import { busyPorts, hasCompose, projectLeftovers, REPO, serviceContainer, sh } from "./compose-kit.js";

process.env.TESTCONTAINERS_RYUK_DISABLED = "true"; // Ryuk's image cannot be pulled offline; down() cleans up
const { DockerComposeEnvironment, Wait } = await import("testcontainers");
type Started = Awaited<ReturnType<InstanceType<typeof DockerComposeEnvironment>["up"]>>;

const PROJECT = "tugboat-ha-e2e";
const NATS = "nats://127.0.0.1:4222,nats://127.0.0.1:4223,nats://127.0.0.1:4224";
const SENTINELS = "127.0.0.1:26379,127.0.0.1:26380,127.0.0.1:26381";
/** Redis port → its compose service. */
const REDIS_SERVICE: Record<number, string> = { 6379: "redis-1", 6380: "redis-2", 6381: "redis-3" };
/** Every 127.0.0.1 port compose.ha.yaml listens on. */
const HA_PORTS = [
  ...[4222, 4223, 4224, 6222, 6223, 6224, 8222, 8223, 8224],
  ...[6379, 6380, 6381, 26379, 26380, 26381, 7070, 7071, 5353, 5354],
  ...Array.from({ length: 14 }, (_, i) => 7201 + i),
];
const slow = { timeoutMs: 120_000, intervalMs: 500 };
/** The tugboat image has node but no coreutils: the idle replica is a node process. */
const IDLE = ["node", "-e", "setInterval(() => {}, 1 << 30)"];
const manifest = (i: number) => sleeper(`h-${i}`, 1 + (i % 2), IDLE);
/** The control-plane roles, two instances each (compose services `<role>-1`, `<role>-2`). */
const ROLES = ["controller", "scheduler", "health-monitor", "autoscaler", "registry", "proxy"];

/** Why the suite cannot run here, or undefined. */
async function reasonToSkip(): Promise<string | undefined> {
  if (!(await connectDockerEngine())) return "no Docker engine could be reached or started";
  if (!(await hasCompose())) return "neither docker-compose nor `docker compose` is installed";
  const busy = await busyPorts(HA_PORTS);
  if (busy.length) return `127.0.0.1 ports ${busy.join(", ")} are in use (compose.ha.yaml needs them)`;
  return undefined;
}

const skip = shouldSkip("the compose.ha.yaml end-to-end test", await reasonToSkip());

/** The compose service whose Redis the Sentinels name as primary now. */
async function primaryService(): Promise<string | undefined> {
  const p = await sentinelPrimary(SENTINELS, "tug", 1_000, SENTINEL_PASSWORD);
  return p && REDIS_SERVICE[p.port];
}

/** The first reply line of the server at 127.0.0.1:`port` after sending `lines` (each line ends with CRLF). */
function firstReply(port: number, lines: string[], skip = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = tcpConnect(port, "127.0.0.1", () => sock.write(lines.map((l) => `${l}\r\n`).join("")));
    let buf = "";
    sock.setTimeout(5_000, () => sock.destroy(new Error(`no reply from 127.0.0.1:${port} in 5 s`)));
    sock.on("data", (d) => {
      buf += String(d);
      const got = buf.split("\r\n");
      if (got.length > skip + 1) {
        sock.destroy();
        resolve(got[skip]!);
      }
    });
    sock.on("error", reject);
  });
}

/** Host paths of the bind mounts of compose service `service` (its secrets), by container path. */
async function secretMounts(service: string): Promise<Record<string, string>> {
  const out = await sh("docker", ["inspect", "-f", "{{json .Mounts}}", await serviceContainer(PROJECT, service)]);
  const mounts = JSON.parse(out) as Array<{ Type: string; Source: string; Destination: string; RW: boolean }>;
  return Object.fromEntries(
    mounts
      .filter((m) => m.Type === "bind" && m.Source.startsWith(SECRETS))
      .map((m) => [m.Destination, `${m.Source.slice(SECRETS.length + 1)}${m.RW ? " (rw)" : ""}`]),
  );
}

/** The environment (`NAME=value` lines) of compose service `service`'s container. */
async function containerEnv(service: string): Promise<string[]> {
  const out = await sh("docker", ["inspect", "-f", "{{json .Config.Env}}", await serviceContainer(PROJECT, service)]);
  return JSON.parse(out) as string[];
}

/** The temp dir holding the cluster's credentials (TUG_COMPOSE_DATA_DIR); made by beforeAll. */
let SECRETS = "";
/** The password every Sentinel requires (redis-auth/sentinel-access.pass in SECRETS); read by beforeAll. */
let SENTINEL_PASSWORD = "";

describe.skipIf(skip)("compose.ha.yaml end to end (testcontainers compose)", () => {
  let env: Started | undefined;
  let bus: Bus;
  let store: RedisStore;
  let down = false;

  beforeAll(async () => {
    await sh("bash", ["scripts/images"], { timeoutMs: 600_000 });
    // the credentials, as `scripts/compose up --ha` writes them into .tug
    SECRETS = mkdtempSync(join(tmpdir(), "tug-compose-ha-"));
    await sh("node", ["scripts/lib/nats-auth.mjs", SECRETS, "--ha"]);
    await sh("node", ["scripts/lib/redis-auth.mjs", SECRETS]);
    SENTINEL_PASSWORD = readFileSync(join(SECRETS, "redis-auth", "sentinel-access.pass"), "utf8").trim();
    expect(SENTINEL_PASSWORD, "the Sentinels' password").toMatch(/^[\w-]{32,}$/);
    const v2 = await sh("docker", ["compose", "version"]).then(
      () => true,
      () => false,
    );
    env = await new DockerComposeEnvironment(REPO, "compose.ha.yaml")
      .withProjectName(PROJECT)
      .withEnvironment({
        TUG_CLUSTER: PROJECT,
        TUG_WORKER_DRIVER: "process",
        TUG_API_TOKEN: randomBytes(24).toString("base64url"),
        TUG_SECRET_KEY: randomBytes(32).toString("base64"),
        TUG_COMPOSE_DATA_DIR: SECRETS,
      })
      .withDefaultWaitStrategy(Wait.forHealthCheck())
      .withStartupTimeout(240_000)
      .withClientOptions(v2 ? {} : { executable: { standalone: true } })
      .up();
    const creds = readNatsCreds(join(SECRETS, "nats-auth", "cli.creds"));
    bus = await Bus.connect({ url: NATS, name: "compose-ha-e2e", log: silentLogger(), creds });
    const password = readFileSync(join(SECRETS, "redis-auth", "admin.pass"), "utf8").trim();
    store = new RedisStore({
      url: "redis://127.0.0.1:6379",
      sentinels: SENTINELS,
      username: "admin",
      password,
      sentinelPassword: SENTINEL_PASSWORD,
    });
  }, 900_000);

  afterAll(async () => {
    await bus?.close();
    await store?.close();
    if (env && !down) await env.down({ removeVolumes: true, timeout: 0 }).catch((err) => console.error(err));
    if (SECRETS) rmSync(SECRETS, { recursive: true, force: true });
  }, 180_000);

  it("authorization is on: no NATS client or route and no Redis or Sentinel client without credentials", async () => {
    for (const port of [4222, 4223, 4224]) {
      const servers = `nats://127.0.0.1:${port}`;
      await expect(natsConnect({ servers, reconnect: false }), servers).rejects.toThrow(/authorization/i);
      const wrong = { user: "cli", pass: "not-the-password" };
      await expect(natsConnect({ servers, reconnect: false, ...wrong }), servers).rejects.toThrow(/authorization/i);
    }
    // each server's routes: up with the route user (2 each, a full mesh), refused without it
    for (const [i, port] of [6222, 6223, 6224].entries()) {
      const routez = await fetch(`http://127.0.0.1:${8222 + i}/routez`, { signal: AbortSignal.timeout(5_000) });
      expect(((await routez.json()) as { num_routes: number }).num_routes, `nats-${i + 1} routes`).toBe(2);
      const connect = 'CONNECT {"verbose":false,"pedantic":false,"name":"intruder","cluster":"tug"}';
      expect(await firstReply(port, [connect, "PING"], 1), `route port ${port}`).toBe("-ERR 'Authorization Violation'");
    }
    // every Redis server: the default user is off; replicas reached their primary as the replication user, and the
    // Sentinels every server as the sentinel user (one that cannot authenticate sees its servers down)
    for (const port of [6379, 6380, 6381])
      expect(await firstReply(port, ["PING"]), `redis :${port}`).toMatch(/^-NOAUTH/);
    // every Sentinel: no command without the Sentinels' password (requirepass), none with a wrong one; with it,
    // SENTINEL MASTER answers
    for (const port of [26379, 26380, 26381]) {
      const at = `sentinel :${port}`;
      expect(await firstReply(port, ["SENTINEL MASTER tug"]), at).toMatch(/^-NOAUTH/);
      expect(await firstReply(port, ["PING"]), at).toMatch(/^-NOAUTH/);
      expect(await firstReply(port, ["AUTH not-the-password"]), at).toMatch(/^-WRONGPASS/);
      expect(await firstReply(port, ["AUTH not-the-password", "SENTINEL MASTER tug"], 1), at).toMatch(/^-NOAUTH/);
      const ask = (r: Redis) => r.call("SENTINEL", "MASTER", "tug");
      const master = (await oneShot("127.0.0.1", port, 5_000, ask, sentinelAuth(SENTINEL_PASSWORD))) as string[];
      expect(master.slice(0, 2), at).toEqual(["name", "tug"]);
      expect(master[master.indexOf("ip") + 1], at).toBe("127.0.0.1");
    }
    await eventually(
      async () => {
        const replication = await store.redis.info("replication");
        expect(replication).toMatch(/^role:master/m);
        expect((replication.match(/^slave\d+:.*state=online/gm) ?? []).length).toBe(2);
        expect((await sentinelPrimary(SENTINELS, "tug", 1_000, SENTINEL_PASSWORD))?.flags).toBe("master");
        // the peers too: each Sentinel reaches the other two with `sentinel sentinel-pass`
        for (const port of [26379, 26380, 26381])
          expect(await sentinelKnows("127.0.0.1", port, "tug", 1_000, SENTINEL_PASSWORD), `sentinel :${port}`).toEqual({
            replicas: 2,
            sentinels: 2,
          });
        // and each runs with the periods `tug up --ha` sets (SENTINEL DEBUG, after its start)
        for (const port of [26379, 26380, 26381])
          expect(await sentinelPeriods("127.0.0.1", port, SENTINEL_PASSWORD), `sentinel :${port}`).toMatchObject(
            SENTINEL_PERIODS_MS,
          );
      },
      { timeoutMs: 45_000, intervalMs: 500, what: "both replicas in sync, every Sentinel seeing them and its peers" },
    );
    // each container mounts its own secrets only, read-only (control plane: also the Sentinels' password, named by
    // TUG_REDIS_SENTINEL_PASSWORD_FILE); workers no Redis credentials
    for (const role of ROLES)
      for (const k of [1, 2]) {
        expect(await secretMounts(`${role}-${k}`), `${role}-${k}`).toEqual({
          "/run/tug/nats.creds": `nats-auth/${role}-${k}.creds`,
          "/run/tug/redis.pass": `redis-auth/${role}.pass`,
          "/run/tug/sentinel-access.pass": "redis-auth/sentinel-access.pass",
        });
        expect(await containerEnv(`${role}-${k}`), `${role}-${k}`).toContain(
          "TUG_REDIS_SENTINEL_PASSWORD_FILE=/run/tug/sentinel-access.pass",
        );
      }
    for (const k of [1, 2]) {
      expect(await secretMounts(`worker-${k}`)).toEqual({ "/run/tug/nats.creds": `nats-auth/node-${k}.creds` });
      expect((await containerEnv(`worker-${k}`)).filter((e) => e.startsWith("TUG_REDIS_SENTINEL_PASSWORD"))).toEqual(
        [],
      );
    }
    for (const k of [1, 2, 3])
      expect(await secretMounts(`sentinel-${k}`), `sentinel-${k}`).toEqual({
        "/auth/sentinel.pass": "redis-auth/sentinel.pass",
        "/auth/sentinel-access.pass": "redis-auth/sentinel-access.pass",
      });
    // the Sentinels' password is in no container's command line, environment or healthcheck (it comes from files)
    for (const service of [...ROLES.flatMap((r) => [`${r}-1`, `${r}-2`]), "sentinel-1", "sentinel-2", "sentinel-3"])
      expect(await sh("docker", ["inspect", await serviceContainer(PROJECT, service)]), service).not.toContain(
        SENTINEL_PASSWORD,
      );
  }, 90_000);

  it("SIGKILL of the Redis primary's container while 20 applies are in flight: every acknowledged apply survives", async () => {
    const before = await eventually(
      async () => {
        const p = await primaryService();
        if (!p) throw new Error("no Sentinel names a primary yet");
        return p;
      },
      { ...slow, what: "the Sentinels' primary" },
    );
    const victim = await serviceContainer(PROJECT, before);
    // killed and kept down (a crash the restart policy undoes within ~0.1 s is over before the Sentinels' 1 s
    // down-after: the primary comes back with its AOF and no failover happens)
    const outcome = await appliesAroundFault(bus, 20, manifest, () => sh("docker", ["kill", victim]));
    console.log(
      `compose --ha: applies around docker kill of ${before}: ${outcome.acked.size} acknowledged, ` +
        `${outcome.refused.length} refused (${outcome.refused.map((r) => `h-${r.i}: ${r.code}`).join(", ")})`,
    );
    await eventually(async () => expect(await primaryService()).not.toBe(before), {
      ...slow,
      what: "a replica promoted",
    });
    // the old primary's machine comes back: an acknowledgement needs every Redis server (TUG_REDIS_WAIT_FOR=every)
    await sh("docker", ["start", victim]);
    await reapplyRefused(bus, outcome, manifest);
    expect(outcome.acked.size).toBe(20);
    await eventually(() => converged(store, outcome.acked), { ...slow, what: "every acknowledged apply converged" });
  }, 300_000);

  it("SIGKILL of one NATS server's container: the cluster keeps converging", async () => {
    await sh("docker", ["kill", await serviceContainer(PROJECT, "nats-1")]);
    await intake(bus, "scale", { namespace: "default", name: "h-0", replicas: 3 }, 60_000);
    await eventually(async () => expectCount("ready h-0", (await readyReplicas(store, "default/h-0")).length, 3), {
      ...slow,
      what: "h-0 scaled to 3",
    });
    const res = await fetch("http://127.0.0.1:7070/v1/deployments/default/h-0", { signal: AbortSignal.timeout(5_000) });
    expect(((await res.json()) as { replicas: { ready: number } }).replicas.ready).toBe(3);
  }, 180_000);

  it("down leaves no container or volume of the project", async () => {
    down = true;
    await env!.down({ removeVolumes: true, timeout: 0 });
    expect(await projectLeftovers(PROJECT)).toEqual({ containers: [], volumes: [] });
  }, 180_000);
});
