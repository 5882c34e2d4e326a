/**
 * `--data-dir` / `TUG_DATA_DIR`: `tug chaos …` and `tug node …` find the local cluster there (its cluster.json
 * names the NATS and API URLs), and a missing cluster is reported with the data dir looked in and where it came from.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "@nats-io/transport-node";
import { decode, encode } from "@tug/contracts";
import { startNats, type ServerHandle } from "@tug/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { run } from "../src/program.js";

let nats: ServerHandle;
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "tug-data-dir-"));
  dirs.push(d);
  return d;
};
beforeAll(async () => {
  nats = await startNats();
});
afterAll(async () => {
  await nats.stop();
});
afterEach(() => {
  delete process.env.TUG_DATA_DIR;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const tug = async (...args: string[]) => {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => lines.push(s)) as typeof process.stdout.write;
  try {
    const code = await run(["node", "tug", ...args], (s) => lines.push(s));
    return { code, text: lines.join("") };
  } finally {
    process.stdout.write = write;
  }
};

describe("the data dir", () => {
  it("tug node cordon reaches the NATS of the cluster named by TUG_DATA_DIR's cluster.json", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "cluster.json"), JSON.stringify({ natsUrl: nats.url, apiUrl: "http://127.0.0.1:9" }));
    const nc = await connect({ servers: nats.url });
    const seen: unknown[] = [];
    nc.subscribe("tug.v1.desired.cordon", {
      callback: (_e, m) => {
        seen.push(decode(m.data));
        m.respond(encode({ ok: true }));
      },
    });
    await nc.flush();
    process.env.TUG_DATA_DIR = dir;
    try {
      const r = await tug("node", "cordon", "node-7");
      expect(r).toMatchObject({ code: 0, text: expect.stringContaining("node node-7 cordoned") });
      expect(seen).toEqual([expect.objectContaining({ body: { node: "node-7" } })]);
    } finally {
      await nc.close();
    }
  });

  it("says which data dir it looked in, and where that came from", async () => {
    const dir = tmp();
    process.env.TUG_DATA_DIR = dir;
    const node = await tug("node", "cordon", "node-1");
    expect(node.code).toBe(1);
    const missing = `error [NOT_FOUND] no local cluster (no cluster.json) in data dir ${dir} (from TUG_DATA_DIR)`;
    expect(node.text).toContain(missing);
    const chaos = await tug("chaos", "kill-node", "node-1");
    expect(chaos.code).toBe(1);
    expect(chaos.text).toContain(`no local cluster at ${dir}`);
    expect(chaos.text).toContain(`looked in data dir ${dir} (from TUG_DATA_DIR)`);
    const flag = await tug("--data-dir", join(dir, "other"), "get", "nodes");
    expect(flag.text).toContain(`data dir ${join(dir, "other")} (from --data-dir)`);
  });
});
