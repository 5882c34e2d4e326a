/**
 * NATS authorization against the real nats-server, from the config `tug up` writes: every forbidden action fails
 * (no credentials, a worker publishing desired state or another node's status, the CLI publishing node status, the
 * registry subscribing to the intake), and what each identity needs still works (intake request/reply through
 * `allow_responses`, a worker's sync request, its heartbeats). Also `tug node add`'s identity and a reload.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { natsAuthOptions, readNatsCreds } from "@tug/bus";
import {
  addNodeIdentity,
  clusterIdentities,
  freePort,
  natsAuthConfPath,
  natsCredsPath,
  prepareNatsAuth,
  resolveOptions,
  waitForPort,
} from "@tug/cluster";
import { subjects } from "@tug/contracts";
import { eventually } from "@tug/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let dir: string;
let server: ChildProcess;
let url: string;
const open: NatsConnection[] = [];

/** Connects as `user` (its credentials file from the data dir); collects the connection's permission errors. */
async function as(user: string): Promise<{ nc: NatsConnection; errors: string[] }> {
  const nc = await connect({ servers: url, ...natsAuthOptions(readNatsCreds(natsCredsPath(dir, user))) });
  open.push(nc);
  const errors: string[] = [];
  void (async () => {
    for await (const s of nc.status()) if (s.type === "error") errors.push(String(s.error));
  })();
  return { nc, errors };
}

/** Subscribes `nc` to `subject` and returns the subjects it receives. */
function heard(nc: NatsConnection, subject: string): string[] {
  const got: string[] = [];
  nc.subscribe(subject, { callback: (_e, m) => void got.push(m.subject) });
  return got;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tug-nats-auth-"));
  const o = resolveOptions({ dataDir: dir, nodes: 2 });
  prepareNatsAuth(dir, clusterIdentities(o, ["node-1", "node-2"]));
  const port = await freePort();
  url = `nats://127.0.0.1:${port}`;
  server = spawn("nats-server", ["-c", natsAuthConfPath(dir), "-a", "127.0.0.1", "-p", String(port)], {
    stdio: "ignore",
  });
  await waitForPort(port, 10_000);
});

afterAll(async () => {
  await Promise.all(open.map((nc) => nc.close().catch(() => {})));
  if (server.exitCode === null) {
    const gone = new Promise((r) => server.once("exit", r));
    server.kill("SIGTERM");
    await gone;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe("NATS identities", () => {
  it("writes every credentials file and the server config with mode 0600", () => {
    for (const f of [natsAuthConfPath(dir), natsCredsPath(dir, "node-1"), natsCredsPath(dir, "cli")])
      expect(statSync(f).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "nats-auth")).mode & 0o777).toBe(0o700);
  });

  it("refuses a connection without credentials or with a wrong password", async () => {
    await expect(connect({ servers: url, reconnect: false })).rejects.toThrow(/authorization/i);
    const wrong = { user: "node-1", pass: "not-the-password" };
    await expect(connect({ servers: url, reconnect: false, ...wrong })).rejects.toThrow(/authorization/i);
  });

  it("a worker cannot publish desired state nor another node's status; its own heartbeat gets through", async () => {
    const controller = await as("controller-1");
    const monitor = await as("health-monitor-1");
    const intake = heard(controller.nc, subjects.desiredAll);
    const statuses = heard(monitor.nc, subjects.nodeAny("status"));
    const beats = heard(monitor.nc, subjects.nodeAny("heartbeat"));
    await Promise.all([controller.nc.flush(), monitor.nc.flush()]);

    const worker = await as("node-1");
    worker.nc.publish(subjects.desired("apply"), "{}");
    worker.nc.publish(subjects.nodeStatus("node-2"), "{}");
    worker.nc.publish(subjects.nodeHeartbeat("node-1"), "{}");
    await worker.nc.flush();

    await eventually(() => expect(beats).toEqual([subjects.nodeHeartbeat("node-1")]));
    await eventually(() => expect(worker.errors.join("\n")).toMatch(/publish.*tug\.v1\.desired\.apply/i));
    await eventually(() => expect(worker.errors.join("\n")).toMatch(/publish.*tug\.v1\.node\.node-2\.status/i));
    expect(intake).toEqual([]);
    expect(statuses).toEqual([]);
  });

  it("a worker hears only its own node's assignments and its own replies", async () => {
    const worker = await as("node-1");
    const mine = worker.nc.subscribe(subjects.nodeAssign("node-1"));
    const other = worker.nc.subscribe(subjects.nodeAssign("node-2"));
    const inbox = worker.nc.subscribe(`${subjects.inbox("cli")}.>`);
    await worker.nc.flush();
    await eventually(() => expect(worker.errors.join("\n")).toMatch(/subscription.*node-2\.assign/i));
    await eventually(() => expect(worker.errors.join("\n")).toMatch(/subscription.*_INBOX\.cli/i));
    expect(await Promise.race([other.closed, inbox.closed])).toBeInstanceOf(Error);
    expect(mine.isClosed()).toBe(false);
  });

  it("the CLI cannot publish node status; its intake request is answered by the controller", async () => {
    const controller = await as("controller-1");
    controller.nc.subscribe(subjects.desired("apply"), {
      queue: "controller",
      callback: (_e, m) => m.respond(JSON.stringify({ ok: true, revision: 1 })),
    });
    const monitor = await as("health-monitor-1");
    const statuses = heard(monitor.nc, subjects.nodeAny("status"));
    await Promise.all([controller.nc.flush(), monitor.nc.flush()]);

    const cli = await as("cli");
    cli.nc.publish(subjects.nodeStatus("node-1"), "{}");
    const reply = await cli.nc.request(subjects.desired("apply"), "{}", { timeout: 3_000 });
    expect(reply.json()).toEqual({ ok: true, revision: 1 });
    await eventually(() => expect(cli.errors.join("\n")).toMatch(/publish.*node-1\.status/i));
    expect(statuses).toEqual([]);
  });

  it("the registry cannot subscribe to the intake, but may send intake requests", async () => {
    const registry = await as("registry-1");
    const sub = registry.nc.subscribe(subjects.desired("apply"));
    await registry.nc.flush();
    await eventually(() => expect(registry.errors.join("\n")).toMatch(/subscription.*tug\.v1\.desired\.apply/i));
    expect(await sub.closed).toBeInstanceOf(Error);

    const controller = await as("controller-1");
    controller.nc.subscribe(subjects.desired("scale"), { callback: (_e, m) => m.respond('{"ok":true}') });
    await controller.nc.flush();
    const reply = await registry.nc.request(subjects.desired("scale"), "{}", { timeout: 3_000 });
    expect(reply.json()).toEqual({ ok: true });
  });

  it("a worker's sync request is answered by the health-monitor (allow_responses), not readable by others", async () => {
    const monitor = await as("health-monitor-1");
    monitor.nc.subscribe(subjects.nodeAny("sync"), { callback: (_e, m) => m.respond('{"replicas":[]}') });
    await monitor.nc.flush();
    const worker = await as("node-2");
    const reply = await worker.nc.request(subjects.nodeSync("node-2"), "{}", { timeout: 3_000 });
    expect(reply.json()).toEqual({ replicas: [] });
    // the health-monitor may not publish to an inbox unless it is answering a request it received
    monitor.nc.publish(`${subjects.inbox("node-2")}.x.y`, "{}");
    await monitor.nc.flush();
    await eventually(() => expect(monitor.errors.join("\n")).toMatch(/publish.*_INBOX\.node-2/i));
  });

  it("tug node add: a new node's credentials work after a reload (SIGHUP); rotating retires the old password", async () => {
    const path = addNodeIdentity(dir, "edge-1");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(addNodeIdentity(dir, "edge-1")).toBe(path); // the same file again, unchanged
    server.kill("SIGHUP");
    const creds = readNatsCreds(path);
    await eventually(async () => {
      const nc = await connect({ servers: url, reconnect: false, ...natsAuthOptions(creds) });
      await nc.close();
    });
    addNodeIdentity(dir, "edge-1", { rotate: true });
    server.kill("SIGHUP");
    await eventually(async () => {
      await expect(connect({ servers: url, reconnect: false, ...natsAuthOptions(creds) })).rejects.toThrow(
        /authorization/i,
      );
    });
    const fresh = await connect({ servers: url, reconnect: false, ...natsAuthOptions(readNatsCreds(path)) });
    await fresh.close();
  });
});
