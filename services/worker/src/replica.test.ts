import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Assignment, Probe, Template } from "@tug/contracts";
import { ProcessDriver } from "@tug/drivers";
import { silentLogger } from "@tug/log";
import { bareTemplate } from "@tug/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { Replica } from "./replica.js";
import { canBind } from "./ports.js";

// A tiny server: /live fails once the file named by DEAD exists; /ready fails until READY_AFTER ms have passed.
const SERVER = `
const fs = require("fs"); const t0 = Date.now();
require("http").createServer((q, s) => {
  if (q.url === "/live") return s.writeHead(fs.existsSync(process.env.DEAD) ? 500 : 200).end();
  if (q.url === "/ready") return s.writeHead(Date.now() - t0 > Number(process.env.READY_AFTER || 0) ? 200 : 503).end();
  s.end("ok");
}).listen(Number(process.env.PORT), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));`;

const dir = mkdtempSync(join(tmpdir(), "tug-replica-"));
const driver = new ProcessDriver({ node: "n1", dataDir: dir, workdir: dir, log: silentLogger() });
const replicas: Replica[] = [];
afterAll(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
  await driver.close();
  rmSync(dir, { recursive: true, force: true });
});

const probe = (path: string, extra: Partial<Probe> = {}): Probe => ({
  http: { path, port: "http" },
  initialDelaySeconds: 0,
  periodSeconds: 0.1,
  timeoutSeconds: 0.5,
  failureThreshold: 2,
  successThreshold: 1,
  ...extra,
});
const template = (env: Record<string, string>, t: Partial<Template> = {}): Template =>
  bareTemplate({
    command: [process.execPath, "-e", SERVER],
    env,
    ports: [{ name: "http", containerPort: 8080, protocol: "tcp" }],
    ...t,
  });

let nextPort = 46_000 + Math.floor(Math.random() * 500) * 4;
async function run(id: string, t: Template): Promise<Replica> {
  while (!(await canBind(nextPort))) nextPort++;
  const r = new Replica(id, { driver, node: "n1", workdir: dir, log: silentLogger(), changed: () => {} });
  driver.onExit((e) => r.onExit(e));
  r.hostPort = nextPort++;
  const a: Assignment = { replica: { id, deployment: "default/t", revision: 1, desired: "run", gen: 1 }, template: t };
  r.assign(a);
  replicas.push(r);
  await r.start();
  return r;
}

describe("replica probes on a real process", () => {
  it("liveness failing failureThreshold times restarts the replica (reason Unhealthy)", async () => {
    const dead = join(dir, "dead-1");
    const r = await run("live-1", template({ DEAD: dead }, { livenessProbe: probe("/live") }));
    await waitFor(() => r.ready && r.phase === "Running");
    const pid = r.handle!.pid;
    const { writeFileSync } = await import("node:fs");
    writeFileSync(dead, "x");
    await waitFor(() => r.restarts >= 1 && r.reason === "Unhealthy");
    rmSync(dead);
    await waitFor(() => r.phase === "Running" && r.handle !== undefined && r.handle.pid !== pid);
  });

  it("readiness follows the readiness probe; without one a replica is ready after ~100 ms", async () => {
    const probed = await run(
      "ready-1",
      template({ READY_AFTER: "600" }, { readinessProbe: probe("/ready", { failureThreshold: 1 }) }),
    );
    const plain = await run("ready-2", template({}));
    await waitFor(() => plain.ready);
    expect(probed.ready).toBe(false);
    await waitFor(() => probed.ready);
  });

  it("readiness and liveness wait for the startup probe to succeed", async () => {
    const dead = join(dir, "dead-3");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(dead, "x"); // liveness would fail at once, but it must not run before startup succeeds
    const r = await run(
      "startup-1",
      template(
        { DEAD: dead, READY_AFTER: "700" },
        {
          startupProbe: probe("/ready", { failureThreshold: 30 }),
          livenessProbe: probe("/live"),
          readinessProbe: probe("/", { successThreshold: 1 }),
        },
      ),
    );
    await new Promise((res) => setTimeout(res, 400));
    expect(r).toMatchObject({ ready: false, restarts: 0, phase: "Running" });
    rmSync(dead);
    await waitFor(() => r.ready);
    expect(r.restarts).toBe(0);
  });

  it("a crash keeps what the process printed last with the last exit (for tug describe)", async () => {
    const r = await run(
      "crash-1",
      template(
        {},
        {
          command: [process.execPath, "-e", "console.error('Error: no database at db:5432'); process.exit(2)"],
          restartPolicy: "Never",
        },
      ),
    );
    await waitFor(() => r.phase === "Failed");
    expect(r.status().lastExit).toMatchObject({
      code: 2,
      reason: "Error",
      message: "last output: Error: no database at db:5432",
    });
  });

  it("Never: a liveness kill ends Failed", async () => {
    const dead = join(dir, "dead-4");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(dead, "x");
    const r = await run(
      "never-1",
      template({ DEAD: dead }, { restartPolicy: "Never", livenessProbe: probe("/live", { initialDelaySeconds: 0.2 }) }),
    );
    await waitFor(() => r.phase === "Failed");
    expect(r.status()).toMatchObject({ phase: "Failed", reason: "Unhealthy", ready: false, restarts: 0 });
  });
});

async function waitFor(cond: () => boolean, ms = 8_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
