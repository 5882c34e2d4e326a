import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { canBind, PortAllocator } from "./ports.js";

describe("port allocation", () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  it("hands out distinct ports from the range and skips reserved ones", async () => {
    const a = new PortAllocator(30_000, 4, async () => true);
    a.reserve(30_001);
    const got = [await a.allocate(), await a.allocate(), await a.allocate()];
    expect(got).toEqual([30_000, 30_002, 30_003]);
    await expect(a.allocate()).rejects.toThrow(/no free port/);
    a.release(30_002);
    expect(await a.allocate()).toBe(30_002);
  });

  it("does not reuse a released port at once (round robin)", async () => {
    const a = new PortAllocator(30_000, 10, async () => true);
    const p = await a.allocate();
    a.release(p);
    expect(await a.allocate()).toBe(p + 1);
  });

  it("skips ports something else is listening on", async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    servers.push(s);
    const busy = (s.address() as { port: number }).port;
    expect(await canBind(busy)).toBe(false);
    const a = new PortAllocator(busy, 2);
    const got = await a.allocate();
    expect(got).toBe(busy + 1);
  });
});
