/**
 * scripts/setup's host checks: the Node version it needs (with what to install), and the system redis-server /
 * nats-server services a package install starts, stopped and disabled so `make run` and `make test` keep their ports.
 * `node` and `systemctl` are small stand-ins on PATH (this machine has no systemd, and runs one Node version).
 */
import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const bin = mkdtempSync(join(tmpdir(), "tug-setup-"));
afterAll(() => rmSync(bin, { recursive: true, force: true }));

function stub(name: string, body: string): void {
  writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(bin, name), 0o755);
}

function bash(script: string): Promise<{ code: number; stderr: string }> {
  return new Promise((done) => {
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    execFile("bash", ["-c", script], { cwd: repo, env }, (err, _out, stderr) =>
      done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr }),
    );
  });
}

describe("scripts/setup host checks", () => {
  const versions = [
    ["v18.19.0", 1],
    ["v20.11.1", 1],
    ["v21.7.0", 1],
    ["v22.3.0", 1],
    ["v20.19.2", 0],
    ["v22.12.0", 0],
    ["v24.1.0", 0],
  ];
  it.each(versions as Array<[string, number]>)("node %s → exit %i", async (version, code) => {
    stub("node", `echo ${version}`);
    const r = await bash(". scripts/lib/host-checks.sh && require_node");
    expect(r.code).toBe(code);
    if (code) expect(r.stderr).toContain(`Node.js ${version} is too old. Tugboat needs Node.js 20.19+ or 22.12+`);
  });

  it("scripts/setup stops before installing anything when Node is too old, saying what to install", async () => {
    stub("node", "echo v18.19.0");
    stub("apt-get", `echo apt-get "$@" >> ${join(bin, "apt.log")}`);
    const r = await bash("bash scripts/setup");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Node\.js v18\.19\.0 is too old\. .*install a newer one from https:\/\/nodejs\.org/);
    expect(() => readFileSync(join(bin, "apt.log"))).toThrow();
  });

  it("stops and disables the redis-server and nats-server services just installed, and nothing else", async () => {
    const log = join(bin, "systemctl.log");
    stub("systemctl", `echo "$@" >> ${log}`);
    const r = await bash(". scripts/lib/host-checks.sh && quiet_system_services nats-server redis-server docker.io");
    expect(r.code).toBe(0);
    const calls = readFileSync(log, "utf8")
      .trim()
      .split("\n")
      .filter((l) => !l.startsWith("list-unit-files"));
    expect(calls).toEqual(["disable --now nats-server.service", "disable --now redis-server.service"]);
    expect(r.stderr).toContain("stopped and disabled the system redis-server service");
  });
});
