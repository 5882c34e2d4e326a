/**
 * The CLI's API token: `TUG_TOKEN` wins over the data dir's `api-token` (what `tug up` writes, mode 0600), and
 * ApiClient.write sends it as a bearer token with a JSON body; reads carry no token.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readApiToken, writeApiToken } from "@tug/cluster";
import { afterAll, describe, expect, it } from "vitest";
import { ApiClient } from "../src/clients.js";
import { apiTokenOf } from "../src/context.js";

const dir = mkdtempSync(join(tmpdir(), "tug-token-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("API token in the CLI", () => {
  it("tug up's token file is private and fresh at every start; TUG_TOKEN wins over it", () => {
    const first = writeApiToken(dir);
    expect(statSync(join(dir, "api-token")).mode & 0o777).toBe(0o600);
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const second = writeApiToken(dir);
    expect(second).not.toBe(first);
    expect(readApiToken(dir)).toBe(second);
    const d = { path: dir, from: "--data-dir" as const };
    expect(apiTokenOf(d, {})).toBe(second);
    expect(apiTokenOf(d, { TUG_TOKEN: " from-env " })).toBe("from-env");
    expect(apiTokenOf({ path: join(dir, "none"), from: "default" }, {})).toBeUndefined();
  });

  it("sends the token with writes, not with reads", async () => {
    const seen: Array<{ method?: string; auth?: string; type?: string; body: string }> = [];
    const server = createServer((req: IncomingMessage, res) => {
      let body = "";
      req.on("data", (d: Buffer) => (body += d));
      req.on("end", () => {
        seen.push({ method: req.method, auth: req.headers.authorization, type: req.headers["content-type"], body });
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ ok: true, id: "x", revision: 1 }));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as { port: number };
    try {
      const api = new ApiClient(`http://127.0.0.1:${port}`, 5_000, "secret-token");
      await api.get("/v1/nodes");
      await api.write("POST", "/v1/deployments/default/web/scale", { replicas: 3 });
      await api.write("DELETE", "/v1/deployments/default/web");
      expect(seen).toEqual([
        { method: "GET", auth: undefined, type: undefined, body: "" },
        { method: "POST", auth: "Bearer secret-token", type: "application/json", body: '{"replicas":3}' },
        { method: "DELETE", auth: "Bearer secret-token", type: undefined, body: "" },
      ]);
    } finally {
      server.close();
    }
  });
});
