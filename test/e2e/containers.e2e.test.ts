/**
 * The control plane on the container images Tugboat ships (tug/nats:2.9 and tug/redis:7.0, built offline by
 * scripts/images), started with testcontainers: the controller (a child process) connects to both containers'
 * published ports on 127.0.0.1, an apply on the bus is acknowledged only once durable (Redis AOF, fsync always, as
 * compose.yaml runs it), the deployment reads back from Redis, and it survives a restart of the Redis container.
 * Ryuk (testcontainers' reaper image) cannot be pulled offline: it is off, and every container carries a per-run
 * tug.test-run label and is removed in afterAll.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Bus } from "@tug/bus";
import { subjects } from "@tug/contracts";
import { silentLogger } from "@tug/log";
import { RedisStore } from "@tug/state";
import {
  connectDockerEngine,
  eventually,
  hasImage,
  noEngineReason,
  shouldSkip,
  sweepContainers,
  testRunLabels,
  uniquePrefix,
} from "@tug/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

process.env.TESTCONTAINERS_RYUK_DISABLED = "true";
const { GenericContainer, Wait } = await import("testcontainers");
type Started = Awaited<ReturnType<InstanceType<typeof GenericContainer>["start"]>>;

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const IMAGES = ["tug/nats:2.9", "tug/redis:7.0"];
const docker = await connectDockerEngine();
const missing = docker
  ? (await Promise.all(IMAGES.map((i) => hasImage(docker, i)))).every(Boolean)
    ? undefined
    : `the offline images ${IMAGES.join(", ")} are missing (run scripts/images)`
  : noEngineReason(docker);
const skip = shouldSkip("the testcontainers test of the shipped NATS and Redis images", missing);

describe.skipIf(skip)("control plane on the shipped NATS and Redis images (testcontainers)", () => {
  const labels = testRunLabels();
  const prefix = uniquePrefix("tc");
  let nats: Started, redis: Started, bus: Bus, store: RedisStore;
  let controller: ChildProcess | undefined;
  const url = (c: Started, scheme: string, port: number) => `${scheme}://127.0.0.1:${c.getMappedPort(port)}`;

  beforeAll(async () => {
    [nats, redis] = await Promise.all([
      new GenericContainer("tug/nats:2.9")
        .withCommand(["-js", "-sd", "/data"])
        .withExposedPorts(4222)
        .withLabels(labels)
        .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
        .start(),
      new GenericContainer("tug/redis:7.0")
        .withCommand(["redis-server", "--dir", "/data", "--appendonly", "yes", "--appendfsync", "always", "--save", ""])
        .withExposedPorts(6379)
        .withLabels(labels)
        .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
        .start(),
    ]);
    controller = spawn(process.execPath, ["services/controller/dist/main.js"], {
      cwd: REPO,
      stdio: "ignore",
      env: {
        ...process.env,
        TUG_NATS_URL: url(nats, "nats", 4222),
        TUG_REDIS_URL: url(redis, "redis", 6379),
        TUG_PREFIX: prefix,
        TUG_LOG_LEVEL: "warn",
      },
    });
    bus = await Bus.connect({ url: url(nats, "nats", 4222), name: "test/containers", log: silentLogger() });
    store = new RedisStore({ url: url(redis, "redis", 6379), prefix });
    await store.ready();
  }, 120_000);

  afterAll(async () => {
    controller?.kill("SIGKILL");
    await bus?.close().catch(() => {});
    await store?.close().catch(() => {});
    await Promise.all([nats, redis].map((c) => c?.stop().catch(() => {})));
    if (docker) await sweepContainers(docker, labels);
  }, 60_000);

  it("acknowledges an apply once durable, and the deployment outlives a Redis container restart", async () => {
    const manifest = {
      kind: "Deployment",
      name: "web",
      replicas: 3,
      command: ["node", "examples/web/server.js"],
      ports: [{ name: "http", containerPort: 8080 }],
    };
    const reply = await eventually(
      () => bus.request<{ ok: boolean; revision: number }>(subjects.desired("apply"), "desired.apply", manifest, 3_000),
      { timeoutMs: 30_000, what: "the controller's intake answers" },
    );
    expect(reply).toMatchObject({ ok: true, revision: 1 });
    expect((await store.deployment("default/web"))?.replicas).toBe(3);

    await redis.restart();
    const again = new RedisStore({ url: url(redis, "redis", 6379), prefix });
    try {
      await again.ready();
      expect(
        (await again.deployment("default/web"))?.replicas,
        "the acknowledged deployment after a restart (AOF)",
      ).toBe(3);
    } finally {
      await again.close();
    }
  }, 120_000);
});
