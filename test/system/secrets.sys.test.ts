/**
 * Secret env values end to end (docs/security.md, "Secret env values"): a `{ value, secret: true }` applied through
 * the API reaches the replica's environment (read from /proc/<pid>/environ of the process-driver replica) and
 * nowhere else: not the API (JSON, the dashboard's SSE stream), the CLI (table, json, yaml, describe), events,
 * any component's /metrics, any log line, any process's command line, any file of the data dir (Redis AOF, NATS
 * store, logs) nor the RDB a Redis loaded from that data saves. Re-applying the same secret starts no rollout; a
 * new value does.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { eventually, startRedis, startSystem, type TestSystem } from "@tug/testkit";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { intake, readyReplicas, replicaPids, webManifest } from "./helpers.js";
import { tug } from "./tug-cli.js";

const MAIN = fileURLToPath(new URL("../../cli/dist/main.js", import.meta.url));
const SECRETS = [`s3cret-${randomBytes(12).toString("hex")}`, `s3cret-${randomBytes(12).toString("hex")}`];
const ID = "default/vault";
const lines: string[] = [];
let sys: TestSystem;

const manifest = (secret: string) =>
  webManifest(1, { name: "vault", env: { GREETING: "hi", DB_PASSWORD: { value: secret, secret: true } } });

/** Names of the secret values found in `bytes` (none, when all is well). */
function leaks(bytes: string | Buffer): string[] {
  const b = typeof bytes === "string" ? Buffer.from(bytes) : bytes;
  return SECRETS.filter((s) => b.includes(s));
}

/** Every file under `dir` (sockets and other non-files skipped). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return filesUnder(p);
    return e.isFile() ? [p] : [];
  });
}

/** The replica of revision `rev` that runs, and its PID. */
async function runningPid(rev: number): Promise<number> {
  const ready = (await readyReplicas(sys.store, ID)).filter((r) => r.revision === rev);
  const pid = ready.length === 1 ? replicaPids(sys.cluster).get(ready[0]!.id) : undefined;
  if (pid === undefined) throw new Error(`no ready replica of revision ${rev} with a pid yet`);
  return pid;
}

/** Runs `sh -c script` with `$TUG` set to the CLI aimed at this cluster. */
function shell(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = `${process.execPath} ${MAIN} --nats ${sys.cluster.natsUrl} --api ${sys.cluster.apiUrl}`;
  return new Promise((resolve) => {
    const child = spawn("sh", ["-c", script], {
      env: { ...process.env, TUG: cli, TUG_NATS_CREDS: sys.cluster.natsCreds },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The first `ms` of the dashboard's SSE stream. */
async function sseBytes(ms: number): Promise<string> {
  const ctl = new AbortController();
  const res = await fetch(`${sys.cluster.apiUrl}/v1/watch?view=cluster`, { signal: ctl.signal });
  const reader = res.body!.getReader();
  const timer = setTimeout(() => ctl.abort(), ms);
  let text = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString("utf8");
    }
  } catch {
    // aborted: the stream is endless by design
  } finally {
    clearTimeout(timer);
  }
  return text;
}

beforeAll(async () => {
  sys = await startSystem({
    nodes: 1,
    driver: "process",
    logLevel: "debug",
    onLine: (c, l) => lines.push(`${c} ${l}`),
  });
}, 120_000);
afterAll(async () => {
  await sys?.stop();
}, 60_000);

describe("secret env values", () => {
  it("applied through the API, reach the replica's environment and are stored sealed", async () => {
    // the registry may still be connecting to the bus right after start: retry until it answers
    const res = await eventually(() =>
      fetch(`${sys.cluster.apiUrl}/v1/deployments`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${sys.cluster.apiToken}` },
        body: JSON.stringify(manifest(SECRETS[0]!)),
      }),
    );
    const reply = await res.text();
    expect(res.status, reply).toBeLessThan(300);
    expect(leaks(reply)).toEqual([]);
    const pid = await eventually(() => runningPid(1), { timeoutMs: 30_000 });
    const environ = readFileSync(`/proc/${pid}/environ`);
    expect(environ.includes(`\0DB_PASSWORD=${SECRETS[0]}\0`)).toBe(true); // the search below can find it
    expect(leaks(readFileSync(`/proc/${pid}/cmdline`))).toEqual([]);
    const dep = await sys.store.deployment(ID);
    expect(dep?.template.env).toEqual({ GREETING: "hi" });
    expect(dep?.template.secretEnv?.DB_PASSWORD).toMatch(/^tugsec1\./);
  }, 60_000);

  it("applied again unchanged (as written, or as `tug get -o yaml` prints it) start no rollout", async () => {
    const again = await intake<{ revision: number; unchanged: boolean }>(sys.bus, "apply", manifest(SECRETS[0]!));
    expect(again).toMatchObject({ revision: 1, unchanged: true });
    const piped = await shell("$TUG get deployment vault -o yaml | $TUG apply -f -");
    expect(piped.stderr).toBe("");
    expect(piped.stdout).toContain("deployment default/vault unchanged: revision 1");
  }, 60_000);

  it("with a new value, roll out a new revision whose replica has the new value", async () => {
    const next = await intake<{ revision: number; unchanged: boolean }>(sys.bus, "apply", manifest(SECRETS[1]!));
    expect(next).toMatchObject({ revision: 2, unchanged: false });
    const pid = await eventually(() => runningPid(2), { timeoutMs: 30_000 });
    expect(readFileSync(`/proc/${pid}/environ`).includes(`\0DB_PASSWORD=${SECRETS[1]}\0`)).toBe(true);
  }, 60_000);

  it("appear in no API answer, SSE stream, /metrics, CLI output, event or command line", async () => {
    const api = sys.cluster.apiUrl;
    const paths = ["/v1/deployments", `/v1/deployments/${ID}`, "/v1/replicas", "/v1/nodes", "/v1/services"];
    for (const p of [...paths, "/v1/events?since=0", "/v1/services/default/vault", "/metrics", "/healthz"]) {
      const body = await (await fetch(`${api}${p}`)).text();
      expect(leaks(body), p).toEqual([]);
    }
    const deployments = await (await fetch(`${api}/v1/deployments/${ID}`)).text();
    expect(deployments).toContain("tugsec1."); // the sealed token is what is shown
    const sse = await sseBytes(1_500);
    expect(sse).toContain("vault");
    expect(leaks(sse)).toEqual([]);
    for (const c of sys.cluster.components) {
      if (c.healthPort === undefined) continue;
      const metrics = await (await fetch(`http://127.0.0.1:${c.healthPort}/metrics`)).text();
      expect(leaks(metrics), `${c.name} /metrics`).toEqual([]);
      if (c.pid !== undefined) expect(leaks(readFileSync(`/proc/${c.pid}/cmdline`)), `${c.name} cmdline`).toEqual([]);
    }
    const commands = [
      ["get", "deployments"],
      ["get", "deployments", "-o", "json"],
      ["get", "deployment", "vault", "-o", "yaml"],
      ["get", "deployment", "vault", "-o", "json"],
      ["get", "replicas", "-o", "wide"],
      ["get", "replicas", "-o", "json"],
      ["describe", "deployment", "vault"],
      ["rollout", "history", "vault"],
      ["events"],
    ];
    for (const args of commands) {
      const r = await tug(sys, args);
      expect(r.code, `tug ${args.join(" ")}: ${r.stderr}`).toBe(0);
      expect(leaks(r.stdout + r.stderr), `tug ${args.join(" ")}`).toEqual([]);
    }
    const events = await sys.store.events("0", 10_000);
    expect(events.length).toBeGreaterThan(0);
    expect(leaks(JSON.stringify(events))).toEqual([]);
  }, 120_000);

  it("appear in no log line and no file of the data dir (AOF, NATS store, logs, state)", async () => {
    expect(lines.length).toBeGreaterThan(50);
    expect(lines.filter((l) => leaks(l).length > 0)).toEqual([]);
    const files = filesUnder(sys.dataDir);
    expect(files.some((f) => f.includes("appendonly"))).toBe(true);
    for (const f of files) expect(leaks(readFileSync(f)), f).toEqual([]);
  }, 60_000);

  it("appear in no Redis dump: an RDB saved from the cluster's data, and DUMP of every key", async () => {
    const copy = mkdtempSync(join(tmpdir(), "tug-secrets-rdb-"));
    cpSync(join(sys.dataDir, "redis"), copy, { recursive: true });
    const redis = await startRedis(["--dir", copy, "--rdbcompression", "no"]); // literal bytes, searchable
    const client = new Redis(redis.url, { lazyConnect: true });
    try {
      await client.connect();
      const keys = await client.keys(`${sys.prefix}:*`);
      expect(keys).toContain(sys.store.k.deployment(ID));
      for (const k of keys) expect(leaks((await client.dumpBuffer(k)) ?? Buffer.alloc(0)), k).toEqual([]);
      await client.save();
      const rdb = readFileSync(join(copy, "dump.rdb"));
      expect(statSync(join(copy, "dump.rdb")).size).toBeGreaterThan(0);
      expect(rdb.includes("tugsec1.")).toBe(true); // the sealed tokens are in the dump, their values are not
      expect(leaks(rdb)).toEqual([]);
    } finally {
      client.disconnect();
      await redis.stop();
      rmSync(copy, { recursive: true, force: true });
      rmSync(redis.dir, { recursive: true, force: true });
    }
  }, 60_000);
});
