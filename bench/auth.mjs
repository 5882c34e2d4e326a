// bench/auth: what authorization and TLS cost on the intake path (issue 15). The real controller process answers
// `tug.v1.desired.apply` requests from a client, three times in one run on the same machine: with NATS and Redis
// open; as `tug up` runs them (NATS authorization with the cluster's permissions and per-identity credentials, Redis
// ACL users with the default user off); and as `tug up --hosts` runs them (the same, plus NATS over TLS with the
// cluster's CA: the client and the controller verify the server). Each apply is a real write (the replica count
// alternates). Needs a build.
//   node bench/auth.mjs [--requests 2000]
// Prints one JSON line per setup (p50 / p99 / mean latency of sequential applies) and one with the ratios.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Bus, readNatsCreds } from "../libs/bus/dist/index.js";
import {
  freePort,
  ensureClusterTls,
  natsAuthConfPath,
  natsCredsPath,
  prepareNatsAuth,
  waitForPort,
  writeNatsServerConf,
  writeRedisCredentials,
} from "../libs/cluster/dist/index.js";
import { subjects } from "../libs/contracts/dist/index.js";
import { silentLogger } from "../libs/log/dist/index.js";
import { figure, stopChild, waitFor } from "./common/seed.mjs";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const { values } = parseArgs({ options: { requests: { type: "string", default: "2000" } } });
const requests = Number(values.requests);
if (!Number.isInteger(requests) || requests < 100 || requests > 100_000) {
  console.error("--requests: an integer 100..100000");
  process.exit(2);
}
const WARMUP = 200;
const PREFIX = "benchauth";

/** Starts `cmd args` and waits until it listens on `port`. */
async function server(cmd, args, port) {
  const child = spawn(cmd, args, { stdio: "ignore" });
  await Promise.race([
    waitForPort(port, 10_000),
    new Promise((_, reject) => child.once("exit", () => reject(new Error(`${cmd} exited at start`)))),
  ]);
  return child;
}

/** One setup: servers, the controller and a client; `auth` as `tug up` has it (`tls` too) or everything open. */
async function measure(auth, tls = false) {
  const dir = mkdtempSync(join(tmpdir(), "tug-bench-auth-"));
  const children = [];
  let bus;
  try {
    const [natsPort, redisPort] = [await freePort(), await freePort()];
    let redisAuth = [];
    let controllerEnv = {};
    let creds;
    const certs = tls ? ensureClusterTls(dir, []) : undefined;
    if (auth) {
      const ids = [
        { user: "controller-1", role: "controller" },
        { user: "cli", role: "user" },
      ];
      prepareNatsAuth(dir, ids, certs?.ca);
      const redisCreds = writeRedisCredentials(dir, PREFIX);
      redisAuth = ["--aclfile", redisCreds.aclFile];
      controllerEnv = {
        TUG_NATS_CREDS: natsCredsPath(dir, "controller-1"),
        TUG_REDIS_USER: "controller",
        TUG_REDIS_PASSWORD_FILE: redisCreds.passwordFile("controller"),
      };
      creds = readNatsCreds(natsCredsPath(dir, "cli"));
    }
    const conf = certs ? writeNatsServerConf(dir, "nats", [], certs) : natsAuthConfPath(dir);
    const natsArgs = [...(auth ? ["-c", conf] : []), "-a", "127.0.0.1", "-p", String(natsPort)];
    children.push(await server("nats-server", natsArgs, natsPort));
    const redisArgs = ["--port", String(redisPort), "--bind", "127.0.0.1", "--dir", dir, "--save", ""];
    children.push(
      await server(
        "redis-server",
        [...redisArgs, "--appendonly", "yes", "--appendfsync", "always", ...redisAuth],
        redisPort,
      ),
    );
    const controller = spawn(process.execPath, [join(repoRoot, "services/controller/dist/main.js")], {
      env: {
        ...process.env,
        TUG_NATS_URL: `nats://127.0.0.1:${natsPort}`,
        TUG_REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        TUG_PREFIX: PREFIX,
        TUG_LOG_LEVEL: "warn",
        ...controllerEnv,
      },
      stdio: "ignore",
    });
    children.push(controller);
    bus = await Bus.connect({ url: `nats://127.0.0.1:${natsPort}`, name: "bench-auth", log: silentLogger(), creds });
    const apply = async (i) => {
      const body = { name: `a${i % 10}`, command: ["x"], replicas: 1 + (Math.floor(i / 10) % 2) };
      const r = await bus.request(subjects.desired("apply"), "desired.apply", body, 10_000);
      if (!r?.ok) throw new Error(`apply: ${JSON.stringify(r)}`);
    };
    await waitFor("the controller answering", () => apply(0).then(() => true), 30_000);
    for (let i = 1; i <= WARMUP; i++) await apply(i);
    const ms = [];
    for (let i = 0; i < requests; i++) {
      const t = performance.now();
      await apply(WARMUP + 1 + i);
      ms.push(performance.now() - t);
    }
    ms.sort((a, b) => a - b);
    const at = (p) => +ms[Math.min(ms.length - 1, Math.floor(p * ms.length))].toFixed(3);
    const mean = +(ms.reduce((a, b) => a + b, 0) / ms.length).toFixed(3);
    const setup = tls ? "authorization + TLS" : auth ? "authorization on" : "open";
    return { setup, requests, p50Ms: at(0.5), p99Ms: at(0.99), meanMs: mean };
  } finally {
    await bus?.close().catch(() => {});
    for (const c of children.reverse()) await stopChild(c);
    rmSync(dir, { recursive: true, force: true });
  }
}

const open = await measure(false);
figure({ bench: "auth", ...open });
const on = await measure(true);
figure({ bench: "auth", ...on });
const tls = await measure(true, true);
figure({ bench: "auth", ...tls });
for (const [what, r] of [
  ["authorization on / open", on],
  ["authorization + TLS / open", tls],
])
  figure({
    bench: "auth",
    ratio: what,
    p50: +(r.p50Ms / open.p50Ms).toFixed(3),
    p99: +(r.p99Ms / open.p99Ms).toFixed(3),
    mean: +(r.meanMs / open.meanMs).toFixed(3),
  });
