import { createServer, request, type Server } from "node:http";
import { connect, createServer as createTcpServer, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manifestSchema, validate } from "@tug/contracts";
import { silentLogger } from "@tug/log";
import { RedisStore } from "@tug/state";
import {
  eventually,
  fakeHeartbeat,
  freePort,
  placeReplica,
  reportRunning,
  runReplica,
  startRedis,
  type ServerHandle,
  uniquePrefix,
} from "@tug/testkit";
import { Proxy } from "../src/proxy.js";
import { syncOnce } from "../src/service.js";
import { ProxyStats } from "../src/stats.js";

let redis: ServerHandle;
let store: RedisStore;
let proxy: Proxy;
let published: number;
const backends: Server[] = [];
const ports: number[] = [];

async function backend(name: string): Promise<number> {
  const s = createServer((_req, res) => res.end(name));
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  backends.push(s);
  return (s.address() as { port: number }).port;
}

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/", agent: false }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c)).on("end", () => resolve(body));
    });
    req.on("error", reject).end();
  });
}

/** One request (a POST carries a body); resolves with the body or `error: …`. */
function sendTo(port: number, method: string): Promise<string> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: "/", method, agent: false }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c)).on("end", () => resolve(body));
    });
    req.on("error", (err) => resolve(`error: ${err.message}`)).end(method === "POST" ? "payload" : undefined);
  });
}

async function tally(n: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const b = await get(published);
    counts[b] = (counts[b] ?? 0) + 1;
  }
  return counts;
}

beforeAll(async () => {
  redis = await startRedis();
  store = new RedisStore({ url: redis.url, prefix: uniquePrefix("proxy") });
  proxy = new Proxy(new ProxyStats(), silentLogger());
  published = await freePort();
  ports.push(await backend("a"), await backend("b"));
  await store.applyDeployment(
    validate(manifestSchema, { name: "web", command: ["x"], replicas: 2, ports: [{ containerPort: 80, published }] }),
  );
  await store.heartbeatNode(fakeHeartbeat());
  for (const [i, port] of ports.entries()) await runReplica(store, `r${i}`, port, { cpuMillis: 100 });
});
afterAll(async () => {
  proxy.close();
  for (const s of backends) s.close();
  await store.close();
  await redis.stop();
});

describe("proxy", () => {
  it("splits 100 requests evenly over two ready endpoints", async () => {
    await syncOnce(store, proxy);
    expect(proxy.ports()).toEqual(new Map([[published, "default/web"]]));
    const counts = await tally(100);
    expect(counts.a).toBeGreaterThanOrEqual(40);
    expect(counts.b).toBeGreaterThanOrEqual(40);
    expect(counts.a + counts.b).toBe(100);
  });

  it("retries a failed connect on the next endpoint", async () => {
    await new Promise<void>((r) => backends[1]!.close(() => r()));
    expect(await tally(10)).toEqual({ a: 10 });
  });

  it("stops sending to an endpoint that is no longer ready", async () => {
    await reportRunning(store, "r1", ports[1], false);
    await syncOnce(store, proxy);
    expect(await tally(6)).toEqual({ a: 6 });
  });

  it("closes the listener when no deployment publishes the port", async () => {
    await store.deleteDeployment("default/web");
    await syncOnce(store, proxy);
    expect(proxy.ports().size).toBe(0);
    await expect(get(published)).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe("proxy replay", () => {
  it("replays an idempotent request on the next endpoint when one closes without a word, never a POST", async () => {
    // a docker-proxy in front of a container that is not listening: accepts, reads the request, closes
    const mute = createTcpServer((c) => c.once("data", () => c.destroy()));
    await new Promise<void>((r) => mute.listen(0, "127.0.0.1", r));
    const mutePort = (mute.address() as { port: number }).port;
    const livePort = await backend("live");
    const port = await freePort();
    await store.applyDeployment(
      validate(manifestSchema, {
        name: "replay",
        command: ["x"],
        replicas: 2,
        ports: [{ containerPort: 80, published: port }],
      }),
    );
    for (const [id, hostPort] of [
      ["m1", mutePort],
      ["m2", livePort],
    ] as const)
      await runReplica(store, id, hostPort, { deployment: "default/replay" });
    await syncOnce(store, proxy);
    const send = (method: string) => sendTo(port, method);
    const gets = await Promise.all(Array.from({ length: 10 }, () => send("GET")));
    expect(gets).toEqual(Array(10).fill("live"));
    const posts = await Promise.all(Array.from({ length: 10 }, () => send("POST")));
    expect(posts.filter((b) => b === "live").length).toBeGreaterThan(0);
    expect(posts.filter((b) => b.startsWith("error")).length).toBeGreaterThan(0);
    await new Promise<void>((r) => mute.close(() => r()));
  });

  it("re-sends an unanswered GET to a ready endpoint when its endpoint leaves, but leaves a POST waiting", async () => {
    // a stalled copy: accepts and reads, never answers
    const held: Socket[] = [];
    const stalled = createTcpServer((c) => {
      held.push(c);
      c.resume();
    });
    await new Promise<void>((r) => stalled.listen(0, "127.0.0.1", r));
    const stalledPort = (stalled.address() as { port: number }).port;
    const port = await freePort();
    await store.applyDeployment(
      validate(manifestSchema, {
        name: "stall",
        command: ["x"],
        replicas: 1,
        ports: [{ containerPort: 80, published: port }],
      }),
    );
    const report = (id: string, hostPort: number, ready: boolean) => reportRunning(store, id, hostPort, ready);
    await placeReplica(store, "s1", { deployment: "default/stall" });
    await report("s1", stalledPort, true);
    await syncOnce(store, proxy);
    const send = (method: string) => sendTo(port, method);
    const get = send("GET");
    let postDone = false;
    const post = send("POST").then((b) => {
      postDone = true;
      return b;
    });
    await eventually(() => expect(held).toHaveLength(2), { what: "both requests reached the stalled copy" });
    // the stalled copy turns unready and a ready one appears
    const livePort = await backend("fresh");
    await placeReplica(store, "s2", { deployment: "default/stall" });
    await report("s2", livePort, true);
    await report("s1", stalledPort, false);
    await syncOnce(store, proxy);
    expect(await get).toBe("fresh");
    await new Promise((r) => setTimeout(r, 200));
    expect(postDone).toBe(false); // a POST is never sent twice: it waits on its endpoint (until the drain grace)
    for (const c of held) c.destroy();
    expect(await post).toMatch(/^error/);
    await new Promise<void>((r) => stalled.close(() => r()));
  });
});

describe("proxy draining", () => {
  it("keeps an open connection going after its endpoint leaves, and sends new ones elsewhere", async () => {
    const echo = createTcpServer((c) => c.pipe(c));
    await new Promise<void>((r) => echo.listen(0, "127.0.0.1", r));
    const echoPort = (echo.address() as { port: number }).port;
    const port = await freePort();
    await store.applyDeployment(
      validate(manifestSchema, {
        name: "echo",
        command: ["x"],
        replicas: 1,
        ports: [{ containerPort: 7, published: port }],
      }),
    );
    await placeReplica(store, "e1", { deployment: "default/echo" });
    await reportRunning(store, "e1", echoPort);
    await syncOnce(store, proxy);
    const sock = connect(port, "127.0.0.1");
    const said = (text: string) =>
      new Promise<string>((r) => {
        sock.once("data", (d) => r(String(d)));
        sock.write(text);
      });
    expect(await said("one")).toBe("one");
    await reportRunning(store, "e1", echoPort, false);
    await syncOnce(store, proxy);
    expect(await said("two")).toBe("two");
    const refused = await new Promise<boolean>((r) =>
      connect(port, "127.0.0.1")
        .once("close", () => r(true))
        .once("data", () => r(false))
        .on("error", () => {}),
    );
    expect(refused).toBe(true);
    sock.destroy();
    await new Promise<void>((r) => echo.close(() => r()));
  });

  it("closes connections to a departed endpoint after the drain grace; least-conn sends new ones to the idle endpoint", async () => {
    const drainProxy = new Proxy(new ProxyStats(), silentLogger(), { drainMs: 400 });
    const echoes = await Promise.all(
      [0, 1].map(async () => {
        const s = createTcpServer((c) => c.pipe(c));
        await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
        return s;
      }),
    );
    const [pa, pb] = echoes.map((s) => (s.address() as { port: number }).port);
    const port = await freePort();
    await store.applyDeployment(
      validate(manifestSchema, {
        name: "lc",
        command: ["x"],
        replicas: 2,
        ports: [{ containerPort: 7, published: port, balance: "least-conn" }],
      }),
    );
    for (const [id, hostPort] of [
      ["l1", pa],
      ["l2", pb],
    ] as const)
      await runReplica(store, id, hostPort, { deployment: "default/lc" });
    await syncOnce(store, drainProxy);
    const listener = drainProxy.listener(port)!;
    expect(listener.balancer.kind).toBe("least-conn");
    const open = async () => {
      const c = connect(port, "127.0.0.1");
      await new Promise<void>((r) => c.once("connect", () => r()));
      await new Promise<void>((r) => {
        c.once("data", () => r());
        c.write("hi");
      });
      return c;
    };
    const held = [await open(), await open(), await open()];
    expect([listener.connections("l1"), listener.connections("l2")].sort()).toEqual([1, 2]);
    const light = listener.connections("l1") === 1 ? "l1" : "l2";
    const heavy = light === "l1" ? "l2" : "l1";
    const next = await open();
    expect([listener.connections(light), listener.connections(heavy)]).toEqual([2, 2]);
    held[0]!.destroy();
    held[1]!.destroy();
    await eventually(() => expect(listener.connections("l1") + listener.connections("l2")).toBe(2), {
      timeoutMs: 5_000,
    });
    const counts = [listener.connections("l1"), listener.connections("l2")];
    held.push(await open());
    const fewer = counts[0]! <= counts[1]! ? "l1" : "l2";
    expect(listener.connections(fewer)).toBe(Math.min(...counts) + 1);
    // l1 leaves: its connections keep working during the grace, then are closed
    await reportRunning(store, "l1", pa, false);
    await syncOnce(store, drainProxy);
    const onL1 = listener.connections("l1");
    expect(onL1).toBeGreaterThan(0);
    const left = Date.now();
    await new Promise((r) => setTimeout(r, 100));
    expect(listener.connections("l1")).toBe(onL1);
    await eventually(() => expect(listener.connections("l1")).toBe(0), { timeoutMs: 5_000 });
    expect(Date.now() - left).toBeGreaterThanOrEqual(350);
    expect(listener.connections("l2")).toBeGreaterThan(0);
    for (const c of [...held, next]) c.destroy();
    drainProxy.close();
    for (const s of echoes) s.close();
  });
});
