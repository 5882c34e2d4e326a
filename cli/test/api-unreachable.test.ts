/** An API that does not answer is reported as such (API_UNAVAILABLE or TIMEOUT), never as STORE_UNAVAILABLE. */
import { createServer, type Server } from "node:net";
import { freePort } from "@tug/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { ApiClient } from "../src/clients.js";
import { run } from "../src/program.js";

const silent: Server[] = [];
afterAll(() => {
  for (const s of silent) s.close();
});

describe("an unreachable API", () => {
  it("is API_UNAVAILABLE naming the URL, exit 1", async () => {
    const port = await freePort();
    const errs: string[] = [];
    const api = `http://127.0.0.1:${port}`;
    expect(await run(["node", "tug", "--api", api, "get", "nodes"], (s) => errs.push(s))).toBe(1);
    expect(errs.join("\n")).toMatch(/^error \[API_UNAVAILABLE\] cannot reach the API at http:\/\/\S+ \(.*ECONNREFUSED/);
    expect(errs.join("\n")).toContain(api);
  });

  it("is TIMEOUT when it accepts the connection but never answers", async () => {
    const server = createServer(() => {}).listen(0, "127.0.0.1");
    silent.push(server);
    await new Promise((r) => server.once("listening", r));
    const port = (server.address() as { port: number }).port;
    const client = new ApiClient(`http://127.0.0.1:${port}`, 300);
    await expect(client.get("/v1/nodes")).rejects.toMatchObject({ code: "TIMEOUT", field: "api" });
  });
});
