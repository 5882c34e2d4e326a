import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startLocalCluster } from "./cluster.js";
import { CONTROL_PLANE_ROLES } from "./components.js";
import { runUp, type UpIo } from "./up.js";

const tmp = mkdtempSync(join(tmpdir(), "tug-up-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function fakeIo() {
  const lines: string[] = [];
  const codes: number[] = [];
  const io: UpIo = {
    out: (l) => lines.push(l),
    err: (l) => lines.push(l),
    stopSignal: () => new Promise(() => {}),
    exit: (c) => void codes.push(c),
  };
  return { io, lines, codes };
}

describe("runUp", () => {
  it.each([
    [{ nodes: "many" }, /--nodes: must be an integer/],
    [{ driver: "podman" }, /--driver/],
    [{ apply: join(tmp, "missing.yaml") }, /--apply: cannot read/],
  ])("exits 2 on %j before starting anything", async (opts, msg) => {
    const { io, lines, codes } = fakeIo();
    expect(await runUp({ ...opts, dataDir: join(tmp, "d") }, io)).toBe(2);
    expect(codes).toEqual([2]);
    expect(lines.join("\n")).toMatch(msg);
  });

  it("exits 2 on a manifest file that does not parse", async () => {
    const f = join(tmp, "bad.yaml");
    writeFileSync(f, "name: [\n");
    const { io, codes } = fakeIo();
    expect(await runUp({ apply: f, dataDir: join(tmp, "d") }, io)).toBe(2);
    expect(codes).toEqual([2]);
  });
});

describe("startLocalCluster start-up errors", () => {
  it("names missing service builds", async () => {
    await expect(startLocalCluster({ repoRoot: tmp, dataDir: join(tmp, "d") })).rejects.toThrow(
      /missing service builds.*tsc --build/,
    );
  });

  it("refuses a fixed port that is already taken", async () => {
    const srv: Server = createServer();
    const port = await new Promise<number>((r) =>
      srv.listen(0, "127.0.0.1", () => r((srv.address() as { port: number }).port)),
    );
    const repoRoot = join(tmp, "repo");
    for (const role of [...CONTROL_PLANE_ROLES, "worker"]) {
      mkdirSync(join(repoRoot, "services", role, "dist"), { recursive: true });
      writeFileSync(join(repoRoot, "services", role, "dist", "main.js"), "");
    }
    try {
      await expect(
        startLocalCluster({ repoRoot, natsPort: port, redisPort: 0, apiPort: 0, dnsPort: 0, dataDir: join(tmp, "d") }),
      ).rejects.toThrow(/already in use/);
    } finally {
      srv.close();
    }
  });
});
