/**
 * `tug get` as kubectl users expect it, through the built CLI against a running cluster: a missing object exits 1
 * NOT_FOUND, `-n` filters lists, one object in yaml/json is the object itself (a deployment's is the manifest that
 * `tug apply -f -` takes back, piped), and `-o wide` adds columns.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startSystem, type TestSystem } from "@tug/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { intake } from "./helpers.js";
import { tug } from "./tug-cli.js";

const MAIN = fileURLToPath(new URL("../../cli/dist/main.js", import.meta.url));
let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ nodes: 1, driver: "fake" });
  const ports = [{ name: "http", containerPort: 8080 }];
  await intake(sys.bus, "apply", { name: "web", command: ["node", "server.js"], replicas: 2, ports });
  await intake(sys.bus, "apply", { name: "api", namespace: "shop", image: "tug-examples/web:1", replicas: 1 });
}, 90_000);
afterAll(async () => {
  await sys?.stop();
}, 60_000);

/** Runs `sh -c script` with `$TUG` set to the CLI aimed at this cluster. */
function shell(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = `${process.execPath} ${MAIN} --nats ${sys.cluster.natsUrl} --api ${sys.cluster.apiUrl} --data-dir ${sys.dataDir}`;
  return new Promise((resolve) => {
    const child = spawn("sh", ["-c", script], { env: { ...process.env, TUG: cli }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("tug get", () => {
  it("exits 1 NOT_FOUND for a name that does not exist, for every kind", async () => {
    for (const kind of ["deployments", "replicas", "nodes", "services", "endpoints"]) {
      const r = await tug(sys, ["get", kind, "nosuch"]);
      expect(r.code, kind).toBe(1);
      expect(r.stderr, kind).toMatch(/error \[NOT_FOUND\]/);
    }
  });

  it("filters lists by -n, and lists every namespace without it", async () => {
    const shop = await tug(sys, ["get", "deployments", "-n", "shop"]);
    expect(shop.stdout).toMatch(/shop\s+api/);
    expect(shop.stdout).not.toMatch(/\bweb\b/);
    const all = await tug(sys, ["get", "deployments"]);
    expect(all.stdout).toMatch(/shop\s+api/);
    expect(all.stdout).toMatch(/default\s+web/);
    const shopJson = await tug(sys, ["get", "replicas", "-n", "shop", "-o", "json"]);
    const replicas = JSON.parse(shopJson.stdout) as Array<{ deployment: string }>;
    expect(replicas.length).toBeGreaterThan(0);
    expect(replicas.every((r) => r.deployment === "shop/api")).toBe(true);
  });

  it("prints one object as itself; a deployment's yaml applies back unchanged through a pipe", async () => {
    const json = JSON.parse((await tug(sys, ["get", "deployment", "web", "-o", "json"])).stdout) as unknown;
    expect(json).toMatchObject({
      kind: "Deployment",
      name: "web",
      namespace: "default",
      replicas: 2,
      command: ["node", "server.js"],
      status: { gen: expect.any(Number) },
    });
    const node = JSON.parse((await tug(sys, ["get", "node", sys.cluster.nodes[0]!, "-o", "json"])).stdout) as unknown;
    expect(node).toMatchObject({ id: sys.cluster.nodes[0] });
    const piped = await shell("$TUG get deployment web -o yaml | $TUG apply -f -");
    expect(piped.stderr).toBe("");
    expect(piped.code).toBe(0);
    expect(piped.stdout).toContain("deployment default/web unchanged: revision 1");
    const edit = "sed 's/^replicas: 1$/replicas: 3/'";
    const scaled = await shell(`$TUG get deployment api -n shop -o yaml | ${edit} | $TUG apply -f -`);
    expect(scaled.stdout).toContain("deployment shop/api applied");
  });

  it("has -o wide", async () => {
    const r = await tug(sys, ["get", "deployments", "-o", "wide"]);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toMatch(/IMAGE\s+COMMAND\s+SELECTOR/);
    expect(r.stdout).toMatch(/web\s.*node server\.js/);
  });
});
